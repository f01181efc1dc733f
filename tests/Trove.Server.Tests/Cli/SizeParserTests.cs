using Trove.Cli;

namespace Trove.Server.Tests.Cli;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("1m", 1, 1L << 20)]
    [InlineData("1M", 1, 1L << 20)]
    [InlineData("512k", 1, 512L << 10)]
    [InlineData("2g", 1, 2L << 30)]
    [InlineData("4096", 1, 4096)]
    [InlineData("64", 1L << 20, 64L << 20)]
    [InlineData(" 8 ", 1L << 20, 8L << 20)]
    public void ParseReadsNumbersWithOptionalSuffix(string text, long unit, long expected)
    {
        Assert.True(SizeParser.TryParse(text, unit, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("-1")]
    [InlineData("1.5m")]
    [InlineData("12x")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999g")]
    public void ParseRejectsMalformedSizes(string text)
    {
        Assert.False(SizeParser.TryParse(text, 1, out _));
    }
}

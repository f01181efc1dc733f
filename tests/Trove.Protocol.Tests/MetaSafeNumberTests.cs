using System.Text;
using Trove.Protocol.Meta;

namespace Trove.Protocol.Tests;

// Expected values follow C's strtol/strtoul/strtoull and memcached's safe_strto* wrappers; the truncating and
// sign cases were checked against memcached 1.6.18 (T99999999999, F4294967296 -> f0, F-1 rejected, ms datalen
// 4294967298 read as 2).
public sealed class MetaSafeNumberTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("42", 42)]
    [InlineData("+42", 42)]
    [InlineData("-42", -42)]
    [InlineData("-0", 0)]
    [InlineData("010", 10)]
    [InlineData("\t7", 7)]
    [InlineData("7\tjunk", 7)]
    [InlineData("7\r", 7)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("4294967298", 2)]
    [InlineData("4294967296", 0)]
    [InlineData("2147483648", int.MinValue)]
    [InlineData("9223372036854775807", -1)]
    [InlineData("-9223372036854775808", 0)]
    public void Int32ParsesLikeSafeStrtolAndTruncates(string text, int expected)
    {
        Assert.True(SafeNumber.TryParseInt32(Encoding.ASCII.GetBytes(text), out int value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("5x")]
    [InlineData("0x10")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("\t")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999")]
    public void Int32RejectsWhatSafeStrtolRejects(string text)
    {
        Assert.False(SafeNumber.TryParseInt32(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("+5", 5UL)]
    [InlineData("-0", 0UL)]
    [InlineData("-9223372036854775809", 9223372036854775807UL)]
    [InlineData("7 ", 7UL)]
    public void UInt64ParsesLikeSafeStrtoull(string text, ulong expected)
    {
        Assert.True(SafeNumber.TryParseUInt64(Encoding.ASCII.GetBytes(text), out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-5")]
    [InlineData("18446744073709551616")]
    [InlineData("1.5")]
    [InlineData("")]
    public void UInt64RejectsNegativeResultsOverflowAndJunk(string text)
    {
        Assert.False(SafeNumber.TryParseUInt64(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("4294967295", uint.MaxValue)]
    [InlineData("4294967296", 0u)]
    [InlineData("4294967303", 7u)]
    [InlineData("-0", 0u)]
    public void UInt32ParsesLikeSafeStrtoulAndTruncates(string text, uint expected)
    {
        Assert.True(SafeNumber.TryParseUInt32(Encoding.ASCII.GetBytes(text), out uint value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void UInt32RejectsMinusOne()
    {
        Assert.False(SafeNumber.TryParseUInt32("-1"u8, out _));
    }
}

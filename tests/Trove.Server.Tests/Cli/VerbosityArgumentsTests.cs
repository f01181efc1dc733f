using Trove.Cli;

namespace Trove.Server.Tests.Cli;

public sealed class VerbosityArgumentsTests
{
    [Theory]
    [InlineData("-v", "--verbose 1")]
    [InlineData("-vv", "--verbose 2")]
    [InlineData("-vvv", "--verbose 3")]
    [InlineData("--verbose", "--verbose 1")]
    [InlineData("--verbose 2", "--verbose 2")]
    [InlineData("-p 1 -vv -m 5", "-p 1 --verbose 2 -m 5")]
    [InlineData("--verbose -p 1", "--verbose 1 -p 1")]
    [InlineData("-p 11211", "-p 11211")]
    public void NormalizeRewritesStackedVerbosityFlags(string args, string expected)
    {
        string[] normalized = VerbosityArguments.Normalize(args.Split(' '));
        Assert.Equal(expected, string.Join(' ', normalized));
    }
}

using System.Text;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests.Text;

/// <summary>Expected values come from memcached 1.6.18's answers to the same tokens (see util.c safe_strto*).</summary>
public sealed class TextNumberTests
{
    [Theory]
    [InlineData("0", 0u)]
    [InlineData("4294967295", 4294967295u)]
    [InlineData("4294967296", 0u)] // 64-bit strtoul, then truncated to 32 bits
    [InlineData("4294967297", 1u)]
    [InlineData("18446744073709551615", 4294967295u)]
    [InlineData("+7", 7u)]
    [InlineData("-0", 0u)]
    [InlineData("\t5", 5u)]
    [InlineData("5\r", 5u)]
    [InlineData("5\t-", 5u)]
    public void ParseUInt32AcceptsWhatSafeStrtoulAccepts(string token, uint expected)
    {
        Assert.True(TextNumber.TryParseUInt32(Encoding.ASCII.GetBytes(token), out uint value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1a")]
    [InlineData("-1")]
    [InlineData("-5")]
    [InlineData("18446744073709551616")]
    [InlineData("+")]
    [InlineData(" ")]
    [InlineData("0x10")]
    public void ParseUInt32RejectsWhatSafeStrtoulRejects(string token)
    {
        Assert.False(TextNumber.TryParseUInt32(Encoding.ASCII.GetBytes(token), out _));
    }

    [Theory]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("-18446744073709551615", 1ul)] // negation wraps to a positive value, which memcached accepts
    [InlineData("-0", 0ul)]
    [InlineData("9223372036854775807", 9223372036854775807ul)]
    [InlineData("9223372036854775808", 9223372036854775808ul)]
    public void ParseUInt64AcceptsWhatSafeStrtoullAccepts(string token, ulong expected)
    {
        Assert.True(TextNumber.TryParseUInt64(Encoding.ASCII.GetBytes(token), out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    [InlineData("18446744073709551616")]
    [InlineData("1.5")]
    public void ParseUInt64RejectsWhatSafeStrtoullRejects(string token)
    {
        Assert.False(TextNumber.TryParseUInt64(Encoding.ASCII.GetBytes(token), out _));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("-1", -1)]
    [InlineData("2147483647", 2147483647)]
    [InlineData("4294967297", 1)] // 64-bit strtol, then stored in an int32
    [InlineData("2147483648", -2147483648)]
    [InlineData("-9223372036854775808", 0)]
    [InlineData("+12", 12)]
    public void ParseInt32AcceptsWhatSafeStrtolAccepts(string token, int expected)
    {
        Assert.True(TextNumber.TryParseInt32(Encoding.ASCII.GetBytes(token), out int value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("abc")]
    [InlineData("12abc")]
    [InlineData("")]
    public void ParseInt32RejectsWhatSafeStrtolRejects(string token)
    {
        Assert.False(TextNumber.TryParseInt32(Encoding.ASCII.GetBytes(token), out _));
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("2", 2.0)]
    [InlineData("-1.25e2", -125.0)]
    [InlineData(".5", 0.5)]
    public void ParseDoubleAcceptsDecimalNumbers(string token, double expected)
    {
        Assert.True(TextNumber.TryParseDouble(Encoding.ASCII.GetBytes(token), out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("1.5x")]
    [InlineData("1e999")]
    [InlineData("1e")]
    public void ParseDoubleRejectsNonNumbers(string token)
    {
        Assert.False(TextNumber.TryParseDouble(Encoding.ASCII.GetBytes(token), out _));
    }
}

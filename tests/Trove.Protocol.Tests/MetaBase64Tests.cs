using System.Text;
using Trove.Protocol.Meta;

namespace Trove.Protocol.Tests;

// Decoding rules are memcached's base64.c; the lenient cases were checked against memcached 1.6.18
// ("mg AAEg*Ymlu/w== b k" finds the key, "mg YQ==YQ== b k" answers "EN kYQ== b", "YQ", "Y===", "====b" fail).
public sealed class MetaBase64Tests
{
    [Theory]
    [InlineData("YQ==", "a")]
    [InlineData("YWI=", "ab")]
    [InlineData("YWJj", "abc")]
    [InlineData("YWJjZA==", "abcd")]
    [InlineData("YW*Jj", "abc")]
    [InlineData("YQ==YQ==", "a")]
    [InlineData("YQ==junk", "a")]
    public void DecodeSkipsForeignBytesAndStopsAfterPadding(string encoded, string expected)
    {
        Span<byte> buffer = stackalloc byte[64];
        int length = MetaBase64.Decode(Encoding.ASCII.GetBytes(encoded), buffer);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..length]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("YQ")]
    [InlineData("YWJ")]
    [InlineData("Y===")]
    [InlineData("====")]
    [InlineData("***")]
    public void DecodeFailsWithZero(string encoded)
    {
        Span<byte> buffer = stackalloc byte[64];
        Assert.Equal(0, MetaBase64.Decode(Encoding.ASCII.GetBytes(encoded), buffer));
    }

    [Fact]
    public void DecodeFailsWhenTheDestinationIsTooSmall()
    {
        Span<byte> buffer = stackalloc byte[2];
        Assert.Equal(0, MetaBase64.Decode("YWJj"u8, buffer));
    }

    [Fact]
    public void EncodeRoundTripsEveryLengthAndByte()
    {
        byte[] source = new byte[200];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = (byte)(i * 37 + 11);
        }
        Span<byte> encoded = stackalloc byte[MetaBase64.EncodedLength(source.Length)];
        Span<byte> decoded = stackalloc byte[MetaBase64.MaxDecodedLength(MetaBase64.EncodedLength(source.Length))];
        for (int length = 1; length <= source.Length; length++)
        {
            int written = MetaBase64.Encode(source.AsSpan(0, length), encoded);
            Assert.Equal(Convert.ToBase64String(source, 0, length), Encoding.ASCII.GetString(encoded[..written]));
            int back = MetaBase64.Decode(encoded[..written], decoded);
            Assert.True(decoded[..back].SequenceEqual(source.AsSpan(0, length)));
        }
    }
}

using System.Text;
using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.Persistence;

public sealed class Crc32CTests
{
    [Fact]
    public void CheckValueOf123456789IsE3069283() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    /// <summary>RFC 3720 (iSCSI), appendix B.4.</summary>
    [Fact]
    public void MatchesRfc3720TestVectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void EmptyInputIsZero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Fact]
    public void AgreesWithBitwiseReferenceAtEveryLengthAndSplit()
    {
        var random = new Random(42);
        for (int length = 0; length < 70; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            uint expected = Reference(data);
            Assert.Equal(expected, Crc32C.Compute(data));
            for (int split = 0; split <= length; split++)
            {
                uint register = Crc32C.Update(~0u, data.AsSpan(0, split));
                Assert.Equal(expected, ~Crc32C.Update(register, data.AsSpan(split)));
            }
        }
    }

    /// <summary>The definition: reflected polynomial 0x82F63B78, one bit at a time.</summary>
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}

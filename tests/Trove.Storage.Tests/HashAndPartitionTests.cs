using System.Text;

namespace Trove.Storage.Tests;

public sealed class HashAndPartitionTests
{
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("hello", 0x26C7827D889F6DA3UL)]
    [InlineData("0123456789abcdef0123456789abcdef", 0x642A94958E71E6C5UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x0B242D361FDA71BCUL)]
    public void XxHash64MatchesTheReferenceVectors(string input, ulong expected)
    {
        Assert.Equal(expected, XxHash64.Hash(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void XxHash64OfThirtyTwoBytesUsesOneStripe()
    {
        Assert.Equal(0x856E843298F99AD7UL, XxHash64.Hash(Encoding.ASCII.GetBytes(new string('a', 32))));
    }

    [Theory]
    [InlineData(1024, "", 957)]
    [InlineData(1024, "abc", 274)]
    [InlineData(16, "", 14)]
    [InlineData(1, "abc", 0)]
    public void PartitionIsTheTopBitsOfTheKeyHash(int partitions, string key, int expected)
    {
        var clock = new ManualTimeProvider();
        using var engine = EngineTestHelpers.Create(clock, partitions: partitions);
        Assert.Equal(expected, engine.PartitionOf(Encoding.ASCII.GetBytes(key)));
        Assert.Equal(expected, KeyPartitioner.PartitionOf(Encoding.ASCII.GetBytes(key), partitions));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1 << 17)]
    public void PartitionCountMustBeAPowerOfTwoUpTo65536(int partitions)
    {
        var clock = new ManualTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineTestHelpers.Create(clock, partitions: partitions));
    }
}

using Trove.Cluster.Membership;

namespace Trove.Cluster.Tests;

public sealed class BroadcastQueueTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(9, 4)]
    [InlineData(10, 8)]
    [InlineData(100, 12)]
    [InlineData(1000, 16)]
    public void TransmitLimitIsRetransmitMultTimesCeilLog10OfNPlusOne(int members, int limit)
        => Assert.Equal(limit, BroadcastQueue.TransmitLimit(4, members));

    [Fact]
    public void EachChangeIsSentUpToTheLimitThenDropped()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue("a", [1]);

        for (int i = 0; i < 3; i++)
            Assert.Equal([new byte[] { 1 }], queue.Take(100, transmitLimit: 3));

        Assert.Empty(queue.Take(100, transmitLimit: 3));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void ANewerChangeAboutTheSameMemberReplacesTheOlder()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue("a", [1]);
        queue.Enqueue("a", [2]);

        Assert.Equal([new byte[] { 2 }], queue.Take(100, 10));
    }

    [Fact]
    public void LeastSentGoFirstNewestFirstAmongEqualsAndOnlyWhatFits()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue("old", [1, 1]);
        queue.Take(100, 10); // "old" sent once
        queue.Enqueue("x", [2, 2]);
        queue.Enqueue("y", [3, 3]);
        queue.Enqueue("big", new byte[50]);

        List<byte[]> taken = queue.Take(budget: 5, 10);

        // Unsent ones first, newest first: big does not fit, y then x fill 4 of 5 bytes, old does not fit.
        Assert.Equal([new byte[] { 3, 3 }, new byte[] { 2, 2 }], taken);
        Assert.Equal(4, queue.Count);
    }
}

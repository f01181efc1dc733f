using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Trove.Cluster.Wire;
using Trove.Server.Cluster.Peers;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>Node-to-node frames sized by --max-item-size, and replication batches that never outgrow them.</summary>
public sealed class BigFrameTests
{
    private const int MiB = 1 << 20;

    [Theory]
    [InlineData(1 * MiB, 65 * MiB)]
    [InlineData(64 * MiB, 65 * MiB)]
    [InlineData(128 * MiB, 129 * MiB)]
    [InlineData(1024 * MiB, 1025 * MiB)]
    public void TheFrameLimitHoldsTheLargestItemWithRoomForItsKeyAndHeaders(int maxItemSize, int expected)
    {
        Assert.Equal(expected, PeerFrame.MaxFrameLengthFor(maxItemSize));
        Assert.True(PeerFrame.MaxFrameLengthFor(maxItemSize) >= maxItemSize + ushort.MaxValue + 1024);
    }

    [Fact]
    public void AFrameOverTheLimitIsRefusedAndOneAtTheLimitIsWaitedFor()
    {
        var sealer = new PacketSealer("trove", null);
        int limit = PeerFrame.MaxFrameLengthFor(128 * MiB);
        byte[] atLimit = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(atLimit, (uint)limit);
        byte[] overLimit = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(overLimit, (uint)limit + 1);

        var waiting = new ReadOnlySequence<byte>(atLimit);
        var refused = new ReadOnlySequence<byte>(overLimit);
        Assert.Equal(System.Buffers.OperationStatus.NeedMoreData, PeerFrame.TryRead(ref waiting, sealer, limit, out _, out _));
        Assert.Equal(System.Buffers.OperationStatus.InvalidData, PeerFrame.TryRead(ref refused, sealer, limit, out _, out _));
    }

    [Fact]
    public void AFrameRoundTripsUnderADerivedLimitAboveTheDefault()
    {
        var sealer = new PacketSealer("trove", null);
        byte[] payload = new byte[66 * MiB];
        payload[^1] = 7;
        var output = new ArrayBufferWriter<byte>();
        PeerFrame.Write(output, sealer, payload);
        var atDefault = new ReadOnlySequence<byte>(output.WrittenMemory);
        var derived = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.Equal(System.Buffers.OperationStatus.InvalidData, PeerFrame.TryRead(ref atDefault, sealer, PeerFrame.DefaultMaxFrameLength, out _, out _));
        Assert.Equal(System.Buffers.OperationStatus.Done, PeerFrame.TryRead(ref derived, sealer, PeerFrame.MaxFrameLengthFor(128 * MiB), out byte[] read, out _));
        Assert.Equal(payload.Length, read.Length);
        Assert.Equal(7, read[^1]);
    }

    /// <summary>
    /// The first frame is held until every record is queued, so the second batch is larger than a frame may carry:
    /// it leaves in record-aligned frames, each within the limit unless a single record is larger, and applying the
    /// frames in order gives the replica every item (a copy's 4-byte begin mark among them).
    /// </summary>
    [Fact]
    public async Task AnOversizedBatchLeavesInFramesSplitBetweenRecords()
    {
        const int maxFrameRecords = 1000;
        var frames = new List<byte[]>();
        var firstHeld = new TaskCompletionSource();
        var allSent = new TaskCompletionSource();
        int expectedRecords = 0;
        int sentRecords = 0;
        var queue = new ReplicationQueue("replica", async (_, frame) =>
        {
            byte[] copy = frame.ToArray();
            lock (frames)
                frames.Add(copy);
            if (frames.Count == 1)
                await firstHeld.Task;
            if (Interlocked.Add(ref sentRecords, CountRecords(copy)) == Volatile.Read(ref expectedRecords))
                allSent.TrySetResult();
            return [];
        }, maxFrameRecords);

        var values = new List<(string Key, string Value)>();
        for (int i = 0; i < 12; i++)
            values.Add(($"key{i}:" + new string('k', i == 5 ? 5000 : 100), new string((char)('a' + i), i == 7 ? 3000 : 250)));
        Volatile.Write(ref expectedRecords, values.Count + 2);
        foreach ((string key, string value) in values)
        {
            queue.AppendStore(View(key, value));
            if (key == values[3].Key)
                queue.AppendCopyBegin(9); // a 4-byte mark among the records to split (its partition sits where a key length would)
        }
        queue.AppendDelete(Encoding.ASCII.GetBytes(values[0].Key));
        firstHeld.SetResult();
        await allSent.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(frames.Count >= 4, $"{frames.Count} frames");
        foreach (byte[] frame in frames)
        {
            Assert.Equal((byte)PeerRequestKind.Replicate, frame[0]);
            Assert.True(frame.Length - 1 <= maxFrameRecords || CountRecords(frame) == 1, $"a frame of {frame.Length} bytes with {CountRecords(frame)} records");
        }

        using var replica = new CacheEngine(new EngineOptions { MaxKeyLength = 65_535, PartitionCount = 16 }, TimeProvider.System);
        var begun = new List<int>();
        foreach (byte[] frame in frames)
            Assert.True(ReplicationRecord.Apply(replica, frame.AsMemory(1), begun.Add, [], out _));
        Assert.Equal([9], begun);
        Assert.Equal(values.Count - 1, replica.GetStats().CurrItems);
        var reader = new ValueReader();
        for (int i = 1; i < values.Count; i++)
        {
            Assert.Equal(GetStatus.Hit, replica.Get(Encoding.ASCII.GetBytes(values[i].Key), default, ref reader));
            Assert.Equal(values[i].Value, reader.Value);
        }
    }

    private static int CountRecords(byte[] frame)
    {
        int count = 0;
        for (int at = 1; at < frame.Length; at += ReplicationRecord.LengthOf(frame.AsSpan(at)))
            count++;
        return count;
    }

    private static ItemView View(string key, string value) => new()
    {
        Key = Encoding.ASCII.GetBytes(key),
        Value = Encoding.ASCII.GetBytes(value),
        TtlRemaining = -1,
        Cas = 1,
    };

    private struct ValueReader : IItemReader
    {
        public string? Value;

        public void Read(in ItemView item) => Value = Encoding.ASCII.GetString(item.Value);
    }
}

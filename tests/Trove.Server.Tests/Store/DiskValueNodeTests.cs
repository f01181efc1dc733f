using System.Buffers;
using System.Text;
using Trove.Server.Cluster.Peers;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Store;

/// <summary>
/// Store mode over a real socket with more data than memory (docs/STORE.md, "Values on disk"): a node with 8 MB of
/// item memory (-m 8) takes five times that in values, serves them all, and serves them all again after a restart.
/// </summary>
public sealed class DiskValueNodeTests : IDisposable
{
    private const int Keys = 4000;
    private const int Batch = 500;
    private const int ValueLength = 10_000; // 4000 × 10 KB = 40 MB in an 8 MB node

    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<TroveNode> StartAsync(StoreOptions store) =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions { MemoryLimitBytes = 8L << 20 }, cluster: null, store, configureLogging: null);

    private static string ValueOf(int i) => i.ToString("D6") + new string((char)('a' + i % 26), ValueLength - 6);

    private static async Task WriteAllAsync(int port)
    {
        for (int start = 0; start < Keys; start += Batch)
        {
            var script = new StringBuilder();
            for (int i = start; i < start + Batch; i++)
            {
                script.Append($"set key{i} {i} 0 {ValueLength}\r\n{ValueOf(i)}\r\n");
            }

            Assert.Equal(string.Concat(Enumerable.Repeat("STORED\r\n", Batch)), await StoreNode.SendAsync(port, script.ToString()));
        }
    }

    private static async Task AssertAllAsync(int port)
    {
        for (int start = 0; start < Keys; start += Batch)
        {
            var script = new StringBuilder();
            var expected = new StringBuilder();
            for (int i = start; i < start + Batch; i++)
            {
                script.Append($"get key{i}\r\n");
                expected.Append($"VALUE key{i} {i} {ValueLength}\r\n{ValueOf(i)}\r\nEND\r\n");
            }

            string reply = await StoreNode.SendAsync(port, script.ToString());
            Assert.True(expected.ToString() == reply, $"keys {start}..{start + Batch - 1} differ");
        }
    }

    [Fact]
    public async Task FiveTimesTheMemoryLimitIsServedBeforeAndAfterARestart()
    {
        await using (TroveNode first = await StartAsync(_dir.Options("no")))
        {
            await WriteAllAsync(first.Port);
            await AssertAllAsync(first.Port);
            Stats store = await Stats.ReadAsync(first.Port, "stats store");
            Assert.True(store["items_on_disk"] > Keys / 2, $"{store["items_on_disk"]} on disk");
            Assert.True(store["disk_reads"] > 0);
            Assert.Equal(0, store["disk_read_errors"]);
            Assert.Equal(Keys, (await Stats.ReadAsync(first.Port))["curr_items"]);
        }

        await using TroveNode second = await StartAsync(_dir.Options("no"));
        Stats recovered = await Stats.ReadAsync(second.Port, "stats store");
        Assert.True(recovered["items_on_disk"] > Keys / 2, $"{recovered["items_on_disk"]} on disk after replay");
        await AssertAllAsync(second.Port);
        Assert.Equal("STORED\r\nVALUE key7 7 10002\r\n" + ValueOf(7) + "!!\r\nEND\r\n",
            await StoreNode.SendAsync(second.Port, "append key7 0 0 2\r\n!!\r\nget key7\r\n"));
    }

    /// <summary>
    /// Data movement and replication read items with ForEachInPartition: a copy of every partition, as replication
    /// records, carries the values that were on disk, and applied to another engine gives back every value.
    /// </summary>
    [Fact]
    public async Task ACopyOfEveryPartitionCarriesTheValuesOnDisk()
    {
        await using TroveNode node = await StartAsync(_dir.Options("no"));
        await WriteAllAsync(node.Port);
        CacheEngine source = node.Context.Engine;
        Assert.True(source.GetDiskValueStats().ItemsOnDisk > Keys / 2);

        using var copy = new CacheEngine(new EngineOptions { MemoryLimitBytes = 256L << 20 }, TimeProvider.System);
        for (int partition = 0; partition < source.PartitionCount; partition++)
        {
            var records = new ArrayBufferWriter<byte>();
            var visitor = new RecordWriter(records);
            source.ForEachInPartition(partition, ref visitor);
            Assert.True(ReplicationRecord.Apply(copy, records.WrittenMemory, _ => Assert.Fail("no copy begin among item records"), [], out _));
        }

        Assert.Equal(Keys, copy.GetStats().CurrItems);
        for (int i = 0; i < Keys; i++)
        {
            var reader = new ValueReader();
            Assert.Equal(GetStatus.Hit, copy.Get(Encoding.ASCII.GetBytes($"key{i}"), default, ref reader));
            Assert.Equal(ValueOf(i), reader.Value);
            Assert.Equal((uint)i, reader.Flags);
        }
    }

    private readonly struct RecordWriter(ArrayBufferWriter<byte> output) : IItemReader
    {
        public void Read(in ItemView item) => ReplicationRecord.WriteStore(output, in item, copy: true);
    }

    private struct ValueReader : IItemReader
    {
        public string? Value;
        public uint Flags;

        public void Read(in ItemView item)
        {
            Value = Encoding.ASCII.GetString(item.Value);
            Flags = item.Flags;
        }
    }
}

using System.Text;
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
}

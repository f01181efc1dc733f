using System.Text;
using Trove.Server.Tests.Infrastructure;
using Trove.Server.Tests.Store;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>Long keys and a 64 MiB value cross the node-to-node stream: forwarded to their primary and replicated.</summary>
public sealed class BigItemClusterTests
{
    private static async Task<long> ForwardedAsync(TroveNode node) => (await Stats.ReadAsync(node.Port, "stats cluster"))["forwarded"];

    [Fact]
    public async Task LongKeysAreForwardedAndReplicatedBetweenStoreNodes()
    {
        const int keyLength = 60_000;
        var dirs = new Dictionary<string, StoreNode>();
        try
        {
            await using LocalCluster cluster = await LocalCluster.StartAsync(2,
                engine: _ => new EngineOptions { MaxKeyLength = keyLength },
                store: name => (dirs[name] = new StoreNode()).Options("no"));
            string[] keys = [.. Enumerable.Range(0, 12).Select(i => $"k{i}:".PadRight(keyLength, 'x'))];
            string sets = string.Concat(keys.Select((key, i) => $"ms {key} 2 F{i}\r\nv{i % 10}\r\n"));

            Assert.Equal(string.Concat(keys.Select(_ => "HD\r\n")), Encoding.ASCII.GetString(await BulkClient.TextAsync(cluster[0].Port, Encoding.ASCII.GetBytes(sets))));
            Assert.True(await ForwardedAsync(cluster[0]) > 0, "no key had the other node as its primary");
            await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 2 * keys.Length, "both copies of every long key");

            string gets = string.Concat(keys.Select(key => $"mg {key} v f\r\n"));
            string expected = string.Concat(keys.Select((_, i) => $"VA 2 f{i}\r\nv{i % 10}\r\n"));
            Assert.Equal(expected, Encoding.ASCII.GetString(await BulkClient.TextAsync(cluster[1].Port, Encoding.ASCII.GetBytes(gets))));

            await BulkClient.TextAsync(cluster[1].Port, Encoding.ASCII.GetBytes(string.Concat(keys.Select(key => $"md {key} q\r\n"))));
            await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 0, "every copy deleted");
        }
        finally
        {
            foreach (StoreNode dir in dirs.Values)
                dir.Dispose();
        }
    }

    /// <summary>
    /// Set through a node that is not the key's primary: the 64 MiB request is forwarded, the primary replicates it
    /// back, and a read through the first node forwards a 64 MiB reply. Every frame is over the old 65 MiB ceiling's
    /// comfort, and within the one derived from --max-item-size.
    /// </summary>
    [Fact]
    public async Task ASixtyFourMegabyteValueIsForwardedReplicatedAndReadBack()
    {
        const int valueLength = 64 << 20;
        await using LocalCluster cluster = await LocalCluster.StartAsync(2,
            configure: options => options.PeerTimeoutMilliseconds = 30_000,
            engine: _ => new EngineOptions { MemoryLimitBytes = 256L << 20, MaxItemSize = 128 << 20 });

        // A key the first node forwards (its primary is the other node): the forwarded count says which.
        string key = "";
        for (int i = 0; key.Length == 0; i++)
        {
            long before = await ForwardedAsync(cluster[0]);
            await BulkClient.TextAsync(cluster[0].Port, Encoding.ASCII.GetBytes($"ms big{i} 1\r\nx\r\n"));
            if (await ForwardedAsync(cluster[0]) > before)
                key = $"big{i}";
        }

        byte[] value = new byte[valueLength];
        for (int i = 0; i < value.Length; i++)
            value[i] = (byte)('A' + (i % 26));
        byte[] set = [.. Encoding.ASCII.GetBytes($"set {key} 5 0 {valueLength}\r\n"), .. value, .. "\r\n"u8.ToArray()];
        Assert.Equal("STORED\r\n", Encoding.ASCII.GetString(await BulkClient.TextAsync(cluster[0].Port, set)));
        await LocalCluster.EventuallyAsync(async () => (await Stats.ReadAsync(cluster[0].Port))["bytes"], bytes => bytes > valueLength, "the replica's copy");

        foreach (TroveNode node in cluster.Nodes)
        {
            byte[] reply = await BulkClient.TextAsync(node.Port, Encoding.ASCII.GetBytes($"mg {key} v f\r\n"));
            byte[] header = Encoding.ASCII.GetBytes($"VA {valueLength} f5\r\n");
            Assert.Equal(header.Length + valueLength + 2, reply.Length);
            Assert.True(reply.AsSpan(0, header.Length).SequenceEqual(header));
            Assert.True(reply.AsSpan(header.Length, valueLength).SequenceEqual(value));
        }
    }
}

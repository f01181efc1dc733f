using System.Text;
using Trove.Server.Tests.Infrastructure;
using Trove.Server.Tests.Store;
using Trove.Storage;

namespace Trove.Server.Tests.Hosting;

/// <summary>memcached -M over a socket: a full node answers out of memory and keeps what it has.</summary>
public sealed class EvictionDisabledTests
{
    private const int Sets = 800;
    private static readonly string Value = new('v', 4000);

    private static string SetScript(string prefix)
    {
        var script = new StringBuilder();
        for (int i = 0; i < Sets; i++)
        {
            script.Append($"set {prefix}{i:D4} 0 0 {Value.Length}\r\n{Value}\r\n");
        }

        return script.ToString();
    }

    /// <summary>Fills a 2 MB node with 4000-byte values; returns how many were stored (all before the first refusal).</summary>
    private static async Task<int> FillAsync(int port, string prefix)
    {
        string[] replies = (await StoreNode.SendAsync(port, SetScript(prefix))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Sets, replies.Length);
        int stored = Array.IndexOf(replies, "SERVER_ERROR out of memory storing object");
        Assert.True(stored > 100, $"first refusal at {stored}");
        Assert.All(replies[..stored], r => Assert.Equal("STORED", r));
        Assert.All(replies[stored..], r => Assert.Equal("SERVER_ERROR out of memory storing object", r));
        return stored;
    }

    private static async Task AssertAllPresentAsync(int port, string prefix, int count)
    {
        var script = new StringBuilder();
        var expected = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            script.Append($"get {prefix}{i:D4}\r\n");
            expected.Append($"VALUE {prefix}{i:D4} 0 {Value.Length}\r\n{Value}\r\nEND\r\n");
        }

        Assert.Equal(expected.ToString(), await StoreNode.SendAsync(port, script.ToString()));
    }

    [Fact]
    public async Task AFullNodeAnswersOutOfMemoryAndKeepsEveryEarlierKey()
    {
        var engine = new EngineOptions { MemoryLimitBytes = 2L << 20, EvictionDisabled = true };
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, engine);
        int stored = await FillAsync(node.Port, "k");

        // A refused set of an existing key leaves its value (memcached would unlink it; see docs/STORAGE.md).
        Assert.Equal("SERVER_ERROR out of memory storing object\r\n", await StoreNode.SendAsync(node.Port, $"set k0003 0 0 {Value.Length + 1}\r\n{Value}x\r\n"));
        await AssertAllPresentAsync(node.Port, "k", stored);

        Stats stats = await Stats.ReadAsync(node.Port);
        Assert.Equal(0, stats["evictions"]);
        Assert.Equal(stored, stats["curr_items"]);
        Stats settings = await Stats.ReadAsync(node.Port, "stats settings");
        Assert.Equal("off", settings.Values["evictions"]);
    }

    [Fact]
    public async Task ACacheNodeEvictsAndSaysSo()
    {
        var engine = new EngineOptions { MemoryLimitBytes = 2L << 20 };
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, engine);
        string replies = await StoreNode.SendAsync(node.Port, SetScript("k"));
        Assert.DoesNotContain("SERVER_ERROR", replies);
        Assert.True((await Stats.ReadAsync(node.Port))["evictions"] > 0);
        Assert.Equal("on", (await Stats.ReadAsync(node.Port, "stats settings")).Values["evictions"]);
    }

    /// <summary>
    /// Store mode never evicts and, with cold values moved to the log (docs/STORE.md, "Values on disk"), does not
    /// refuse either while keys and metadata fit: 3.2 MB of values in a 2 MB node are all stored and all read back.
    /// </summary>
    [Fact]
    public async Task AStoreModeNodeNeverEvictsAndKeepsMoreThanItsMemory()
    {
        using var dir = new StoreNode();
        var engine = new EngineOptions { MemoryLimitBytes = 2L << 20 };
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, engine, cluster: null, dir.Options(fsync: "no"), configureLogging: null);
        Assert.True(node.Context.Engine.Options.EvictionDisabled);
        Assert.False(engine.EvictionDisabled); // the caller's options are left alone
        Assert.Equal("off", (await Stats.ReadAsync(node.Port, "stats settings")).Values["evictions"]);

        string replies = await StoreNode.SendAsync(node.Port, SetScript("s"));
        Assert.Equal(string.Concat(Enumerable.Repeat("STORED\r\n", Sets)), replies);
        await AssertAllPresentAsync(node.Port, "s", Sets);
        Assert.Equal(0, (await Stats.ReadAsync(node.Port))["evictions"]);
        Assert.True((await Stats.ReadAsync(node.Port, "stats store"))["items_on_disk"] > 0);
    }
}

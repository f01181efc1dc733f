using System.Diagnostics;
using Trove.Cluster;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>
/// Real nodes in one process, gossiping and forwarding over loopback with fast membership timings. Waits are for
/// states (bounded only to detect a hang), never for a time.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<TroveNode> _nodes = [];
    private readonly Action<ClusterNodeOptions>? _configure;
    private readonly Func<string, StoreOptions?>? _store;
    private readonly Func<string, EngineOptions>? _engine;
    private int _started;

    private LocalCluster(Action<ClusterNodeOptions>? configure, Func<string, StoreOptions?>? store, Func<string, EngineOptions>? engine)
    {
        _configure = configure;
        _engine = engine;
        _store = store;
    }

    public IReadOnlyList<TroveNode> Nodes => _nodes;

    public TroveNode this[int index] => _nodes[index];

    public static ClusterNodeOptions Fast(string name, string? join = null) => new()
    {
        GossipPort = 0,
        NodeName = name,
        Join = join,
        Swim = new ClusterOptions
        {
            ProbeInterval = TimeSpan.FromMilliseconds(100),
            ProbeTimeout = TimeSpan.FromMilliseconds(50),
            GossipInterval = TimeSpan.FromMilliseconds(50),
            PushPullInterval = TimeSpan.FromSeconds(1),
            StreamTimeout = TimeSpan.FromSeconds(2),
        },
    };

    /// <summary>Starts <paramref name="count"/> nodes named n0, n1, ... all joining n0, and waits until they agree.</summary>
    /// <param name="count">How many nodes.</param>
    /// <param name="configure">Changes each node's cluster options.</param>
    /// <param name="store">Each node's store options by node name (default, or null for a name: cache mode).</param>
    /// <param name="engine">Each node's engine options by node name (default: the defaults); also used by <see cref="RestartAsync"/>.</param>
    public static async Task<LocalCluster> StartAsync(int count, Action<ClusterNodeOptions>? configure = null,
        Func<string, StoreOptions?>? store = null, Func<string, EngineOptions>? engine = null)
    {
        var cluster = new LocalCluster(configure, store, engine);
        for (int i = 0; i < count; i++)
            await cluster.AddNodeAsync();
        return cluster;
    }

    /// <summary>Starts one more node joined to the first live one and waits until every node agrees on the members and no data is moving.</summary>
    public Task<TroveNode> AddNodeAsync() => StartNodeAsync($"n{_started++}");

    /// <summary>
    /// Starts a node under <paramref name="name"/> again (a new process of a node killed before: in store mode with
    /// its data directory), joined to the first live node, and waits until the cluster settled.
    /// </summary>
    public Task<TroveNode> RestartAsync(string name) => StartNodeAsync(name);

    private async Task<TroveNode> StartNodeAsync(string name)
    {
        ClusterNodeOptions options = Fast(name, _nodes.Count == 0 ? null : _nodes[0].GossipAddress!.Value.ToString());
        _configure?.Invoke(options);
        TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, _engine?.Invoke(name) ?? new EngineOptions(), options,
            _store?.Invoke(name), FileLog.For(name));
        _nodes.Add(node);
        await WaitSettledAsync();
        return node;
    }

    /// <summary>Kills node <paramref name="index"/> without a word (as kill -9) and forgets it; the others are not waited for.</summary>
    public async Task KillAsync(int index)
    {
        TroveNode node = _nodes[index];
        _nodes.RemoveAt(index);
        await node.KillAsync();
    }

    /// <summary>Stops node <paramref name="index"/> gracefully (it leaves) and waits until the rest agree.</summary>
    public async Task StopAsync(int index)
    {
        TroveNode node = _nodes[index];
        _nodes.RemoveAt(index);
        await node.DisposeAsync();
        await WaitSettledAsync();
    }

    /// <summary>Every node sees the same live members (as many as are running) and the same table, and no partition is moving.</summary>
    public async Task WaitSettledAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var views = new List<Stats>();
            foreach (TroveNode node in _nodes)
                views.Add(await Stats.ReadAsync(node.Port, "stats cluster"));
            if (views.All(v => v["members"] == _nodes.Count && v["migrations_in_progress"] == 0)
                && views.Select(v => v.Values["table_fingerprint"]).Distinct().Count() == 1)
                return;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException("the cluster never settled: " + string.Join(" | ", views.Select(v => string.Join(",", v.Values))));
            await Task.Delay(50);
        }
    }

    /// <summary>Sum of curr_items over the nodes: with R replicas and N keys written, R x N once replication caught up.</summary>
    public async Task<long> TotalItemsAsync()
    {
        long total = 0;
        foreach (TroveNode node in _nodes)
            total += (await Stats.ReadAsync(node.Port))["curr_items"];
        return total;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (hang guard only).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            T value = await read();
            if (condition(value))
                return value;
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"never saw {what}; last: {value}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TroveNode node in _nodes)
            await node.DisposeAsync();
    }
}

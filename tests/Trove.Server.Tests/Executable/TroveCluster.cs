using System.Diagnostics;
using Trove.Server.Tests.Cluster;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Executable;

/// <summary>One `trove` process of a <see cref="TroveCluster"/>: its node name, memcached port and gossip port.</summary>
internal sealed record ClusterNode(string Name, TroveProcess Process, int Port, int GossipPort)
{
    public string GossipAddress => $"127.0.0.1:{GossipPort}";
}

/// <summary>
/// A node's view as `stats cluster` and `stats nodes` give it, read in one poll. <see cref="Fingerprint"/> is
/// `table_fingerprint` (the target table's members and replica count) and <see cref="Moving"/> is
/// `migrations_in_progress` (partitions whose data is still being copied to a new owner).
/// </summary>
internal sealed record ClusterView(ClusterNode Node, long Version, long LiveMembers, string Fingerprint, long Moving, List<NodeRow> Rows)
{
    public override string ToString() =>
        $"{Node.Name} (port {Node.Port}): partition_table_version {Version}, table_fingerprint {Fingerprint}, " +
        $"migrations_in_progress {Moving}, members {LiveMembers}, " +
        string.Join(", ", Rows.Select(r => $"{r.Name} {r.State} p{r.Primary}/r{r.Replica}"));
}

/// <summary>
/// Real `trove` processes on loopback, each with a gossip port, joined with --join, and stopped (killed) on dispose.
/// Membership runs with fast timings from a --config file so joins and deaths are seen in about a second:
/// probe interval 200 ms, probe timeout 100 ms, gossip interval 50 ms, push-pull every 2 s (memberlist's LAN
/// defaults are 1 s, 500 ms, 200 ms, 30 s). With 3-4 members the suspicion timeout is then 4 x 200 ms = 0.8 s.
/// </summary>
internal sealed class TroveCluster : IDisposable
{
    /// <summary>How long a cluster may take to agree; reached only when it never does (a hang, always a failure).</summary>
    public static readonly TimeSpan AgreementLimit = TimeSpan.FromSeconds(30);

    private readonly string _config = Path.Combine(Path.GetTempPath(), $"trove-cluster-{Guid.NewGuid():N}.json");
    private readonly List<ClusterNode> _nodes = [];

    public TroveCluster() => File.WriteAllText(_config, """
        { "Cluster": { "Swim": { "ProbeInterval": "00:00:00.200", "ProbeTimeout": "00:00:00.100",
                                 "GossipInterval": "00:00:00.050", "PushPullInterval": "00:00:02" } } }
        """);

    /// <summary>Every node started, killed ones included, in start order.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Nodes whose process still runs.</summary>
    public IReadOnlyList<ClusterNode> Running => [.. _nodes.Where(n => !n.Process.HasExited)];

    /// <summary>A `--join` value: loopback gossip addresses on <paramref name="gossipPorts"/>, comma-separated.</summary>
    public static string Seeds(IEnumerable<int> gossipPorts) => string.Join(',', gossipPorts.Select(g => $"127.0.0.1:{g}"));

    /// <summary>
    /// Starts a node (not waiting for it); <paramref name="gossipPort"/> and <paramref name="port"/> 0 take free ones;
    /// <paramref name="extra"/> is appended to the command line (store mode, replication settings).
    /// </summary>
    public ClusterNode Start(string name, string? join, int gossipPort = 0, string extra = "", int port = 0)
    {
        port = port == 0 ? TroveProcess.FreePort() : port;
        int gossip = gossipPort == 0 ? TroveProcess.FreePort() : gossipPort;
        string joinArgument = join is null ? "" : $" --join {join}";
        var process = TroveProcess.Start(
            $"--config {_config} --port {port} --gossip-port {gossip} --node-name {name}{joinArgument} {extra}");
        var node = new ClusterNode(name, process, port, gossip);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts a node and waits until it accepts memcached connections.</summary>
    public async Task<ClusterNode> StartReadyAsync(string name, string? join, int gossipPort = 0)
    {
        ClusterNode node = Start(name, join, gossipPort);
        await WaitReadyAsync(node);
        return node;
    }

    public static async Task WaitReadyAsync(ClusterNode node) => (await node.Process.ConnectAsync(node.Port)).Dispose();

    public static async Task<ClusterView> ReadViewAsync(ClusterNode node)
    {
        Stats cluster = await Stats.ReadAsync(node.Port, "stats cluster");
        List<NodeRow> rows = await NodeView.ReadAsync(node.Port);
        return new ClusterView(node, cluster["partition_table_version"], cluster["members"],
            cluster.Values.GetValueOrDefault("table_fingerprint", ""), cluster["migrations_in_progress"], rows);
    }

    /// <summary>
    /// Polls every node of <paramref name="nodes"/> until each one sees exactly <paramref name="alive"/> alive (every
    /// other member dead or left) and the same partition table: the same `table_fingerprint` and the same primary and
    /// replica partitions per member, 1024 primaries in all; with <paramref name="settled"/>, also no partition still
    /// being copied (`migrations_in_progress` 0 everywhere). Fails with every node's last view after
    /// <see cref="AgreementLimit"/>. The views are returned for the log. partition_table_version is not compared: it
    /// counts each node's own table rebuilds (docs/CLUSTER.md, "In the node"), so a node that joined late and learnt
    /// every member at once is a version behind with the same table; the fingerprint is what identifies a table.
    /// </summary>
    public static async Task<IReadOnlyList<ClusterView>> WaitForAgreementAsync(IReadOnlyList<ClusterNode> nodes, IReadOnlyCollection<string> alive, bool settled = false)
    {
        string[] expected = [.. alive.Order(StringComparer.Ordinal)];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var views = new List<ClusterView>();
            foreach (ClusterNode node in nodes)
                views.Add(await ReadViewAsync(node));

            if (views.All(v => Agrees(v, expected)) && views.Select(Load).Distinct().Count() == 1 &&
                views.Select(v => v.Fingerprint).Distinct().Count() == 1 && (!settled || views.All(v => v.Moving == 0)))
            {
                return views;
            }

            if (clock.Elapsed > AgreementLimit)
            {
                throw new TimeoutException(
                    $"the nodes did not agree on alive members [{string.Join(", ", expected)}] and one partition table" +
                    $"{(settled ? " with no partition moving" : "")} within " +
                    $"{AgreementLimit.TotalSeconds} s; last views:\n  {string.Join("\n  ", views)}");
            }
            await Task.Delay(100);
        }
    }

    private static bool Agrees(ClusterView view, string[] alive) =>
        view.LiveMembers == alive.Length &&
        view.Rows.Where(r => r.State == "alive").Select(r => r.Name).Order(StringComparer.Ordinal).SequenceEqual(alive) &&
        view.Rows.All(r => r.State is "alive" or "dead" or "left") &&
        view.Rows.Sum(r => r.Primary) == 1024;

    private static string Load(ClusterView view) =>
        string.Join(",", view.Rows.Where(r => r.State == "alive").OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => $"{r.Name}:{r.Primary}/{r.Replica}"));

    public void Dispose()
    {
        foreach (ClusterNode node in _nodes)
            node.Process.Dispose();
        File.Delete(_config);
    }
}

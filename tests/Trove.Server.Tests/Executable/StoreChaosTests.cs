using System.Diagnostics;
using Xunit.Abstractions;

namespace Trove.Server.Tests.Executable;

/// <summary>
/// Issue 5's cluster chaos test: three store-mode `trove` processes (--fsync always, --replicas 2,
/// --sync-replication), a steady writer and a reader; nodes are killed with SIGKILL at seeded moments and restarted
/// with their data directories, a fourth joins, one leaves gracefully (`trove leave`), all while writes continue. At the
/// end every acknowledged write is read back through every running node. A write counts as acknowledged only when
/// its STORED arrived; one whose reply never came (its node died) may or may not be there, but a key overwritten
/// later must never go back to an older acknowledged value (a rollback counts as lost).
/// </summary>
public sealed class StoreChaosTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261122;
    private const int KillRounds = 3;

    /// <summary>TROVE_CHAOS_LOG: a file to keep every node's debug log in, and the data directories kept (diagnosis).</summary>
    private static readonly string? KeptLog = Environment.GetEnvironmentVariable("TROVE_CHAOS_LOG") is { Length: > 0 } path ? path : null;

    private readonly TroveCluster _cluster = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"trove-chaos-{Guid.NewGuid():N}");
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Dispose()
    {
        if (KeptLog is { } path)
        {
            foreach (ClusterNode node in _cluster.Nodes)
                File.AppendAllText(path, $"===== {node.Name} (port {node.Port})\n{node.Process.StandardOutput}\n{node.Process.StandardError}\n");
        }
        _cluster.Dispose();
        if (Directory.Exists(_root) && KeptLog is null)
            Directory.Delete(_root, recursive: true);
    }

    private string Store(string name) =>
        $"--mode store --data-dir \"{Path.Combine(_root, name)}\" --fsync always --sync-replication --replicas 2 --peer-timeout 3000 --enable-shutdown"
        + (KeptLog is null ? "" : " -vv");

    private void Log(string line) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:F2} s  {line}");

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesKillsRestartsAJoinAndAGracefulLeave()
    {
        var random = new Random(Seed);
        ClusterNode a = await StartAsync("a", join: null);
        var live = new LiveNodes([a]);
        live.Add(await StartAsync("b", a.GossipAddress));
        live.Add(await StartAsync("c", a.GossipAddress));
        await SettleAsync(live);

        var ledger = new WriteLedger();
        var lostOnTheWay = new List<string>();
        using var stop = new CancellationTokenSource();
        Task writing = Task.Run(() => ChaosClient.WriteAsync(live, ledger, stop.Token));
        Task<ReadTally> reading = Task.Run(() => ChaosClient.ReadAsync(live, ledger, new Random(Seed + 1), stop.Token));

        for (int round = 0; round < KillRounds; round++)
        {
            await ledger.WaitForMoreAsync(100 + random.Next(200));
            ClusterNode victim = live.Pick(random);
            live.Remove(victim);
            victim.Process.Kill();
            Log($"round {round + 1}: killed {victim.Name} (kill -9) after {ledger.Acknowledged} acknowledged writes");
            await ledger.WaitForMoreAsync(50 + random.Next(100)); // writes go on while it is down
            ClusterNode back = await StartAsync(victim.Name, TroveCluster.Seeds(live.Snapshot().Select(n => n.GossipPort)), victim);
            live.Add(back);
            await SettleAsync(live);
            Log($"round {round + 1}: {victim.Name} restarted with its data directory and caught up; {ledger.Acknowledged} acknowledged");
            lostOnTheWay.AddRange(await CheckpointAsync($"round {round + 1}", live, ledger));
        }

        await ledger.WaitForMoreAsync(100);
        live.Add(await StartAsync("d", TroveCluster.Seeds(live.Snapshot().Select(n => n.GossipPort))));
        await SettleAsync(live);
        Log($"d joined; {ledger.Acknowledged} acknowledged");
        lostOnTheWay.AddRange(await CheckpointAsync("the join", live, ledger));

        await ledger.WaitForMoreAsync(100);
        ClusterNode leaving = live.Pick(random);
        live.Remove(leaving);
        using (TroveProcess leave = TroveProcess.Start($"leave --node 127.0.0.1:{leaving.Port}"))
        {
            Assert.True(leave.WaitForExit(TimeSpan.FromSeconds(120)), "trove leave did not finish");
            Assert.True(leave.ExitCode == 0, $"trove leave: exit {leave.ExitCode}: {leave.StandardOutput} {leave.StandardError}");
        }
        Assert.True(leaving.Process.WaitForExit(TimeSpan.FromSeconds(60)), $"{leaving.Name} did not leave");
        Assert.Equal(0, leaving.Process.ExitCode);
        await SettleAsync(live);
        Log($"{leaving.Name} left gracefully (trove leave); {ledger.Acknowledged} acknowledged");

        await ledger.WaitForMoreAsync(100);
        await stop.CancelAsync();
        await writing;
        ReadTally during = await reading;

        long checkedReads = 0, lost = 0;
        var lostKeys = new List<string>();
        foreach (ClusterNode node in live.Snapshot())
        {
            (long checkedHere, List<string> lostHere) = await ChaosClient.CheckAllAsync(node, ledger);
            checkedReads += checkedHere;
            lost += lostHere.Count;
            lostKeys.AddRange(lostHere.Take(5).Select(k => $"{k} on {node.Name}"));
        }
        Log($"chaos (seed {Seed}): {ledger.Acknowledged} writes acknowledged ({ledger.Overwrites} overwrites of {WriteLedger.OverwrittenKeys} keys), "
            + $"{ledger.Unacknowledged} sent without an acknowledgement; {checkedReads} reads checked through {live.Count} nodes, {lost} lost; "
            + $"during the chaos the reader saw {during.Hits} hits, {during.Misses} misses, {during.Errors} errors");
        Assert.True(lost == 0, $"{lost} acknowledged writes lost, e.g. {string.Join(", ", lostKeys)}");
        Assert.True(lostOnTheWay.Count == 0, $"acknowledged writes missing at a checkpoint: {string.Join(", ", lostOnTheWay.Take(10))}");
        Assert.True(ledger.Acknowledged >= 100 * (KillRounds + 4));
    }

    /// <summary>Checks every write acknowledged so far through one node, while the writer goes on; returns the lost ones.</summary>
    private async Task<List<string>> CheckpointAsync(string step, LiveNodes live, WriteLedger ledger)
    {
        ClusterNode node = live.Snapshot()[0];
        (long checkedReads, List<string> lost) = await ChaosClient.CheckAllAsync(node, ledger);
        Log($"after {step}: {checkedReads} checked through {node.Name}, {lost.Count} lost {string.Join(",", lost.Take(8))}");
        return [.. lost.Select(k => $"{k} after {step}")];
    }

    private async Task<ClusterNode> StartAsync(string name, string? join, ClusterNode? previous = null)
    {
        ClusterNode node = _cluster.Start(name, join, previous?.GossipPort ?? 0, Store(name), previous?.Port ?? 0);
        await TroveCluster.WaitReadyAsync(node);
        return node;
    }

    private static async Task SettleAsync(LiveNodes live)
    {
        IReadOnlyList<ClusterNode> nodes = live.Snapshot();
        await TroveCluster.WaitForAgreementAsync(nodes, [.. nodes.Select(n => n.Name)], settled: true);
    }
}

/// <summary>The running nodes the clients spread their requests over; changed by the test as nodes die and come back.</summary>
internal sealed class LiveNodes(IEnumerable<ClusterNode> initial)
{
    private readonly Lock _gate = new();
    private readonly List<ClusterNode> _nodes = [.. initial];

    public int Count
    {
        get
        {
            lock (_gate)
                return _nodes.Count;
        }
    }

    public IReadOnlyList<ClusterNode> Snapshot()
    {
        lock (_gate)
            return [.. _nodes];
    }

    public void Add(ClusterNode node)
    {
        lock (_gate)
            _nodes.Add(node);
    }

    public void Remove(ClusterNode node)
    {
        lock (_gate)
            _nodes.Remove(node);
    }

    public ClusterNode Pick(Random random)
    {
        lock (_gate)
            return _nodes[random.Next(_nodes.Count)];
    }
}

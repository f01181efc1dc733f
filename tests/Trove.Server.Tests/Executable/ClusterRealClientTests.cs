using System.Diagnostics;
using System.Globalization;
using Trove.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Trove.Server.Tests.Executable;

/// <summary>
/// A real client (python3-pymemcache, Clients/pymemcache_cluster.py) against a cluster of real `trove` processes:
/// keys written through one node are read, exactly, through every other node, across a kill -9 and a join; CAS
/// uniques from one node are honoured by another. Waits poll for a state and are bounded only to catch hangs.
/// </summary>
public sealed class ClusterRealClientTests(ITestOutputHelper output) : IDisposable
{
    private const int Keys = 10_000;

    /// <summary>Hang guard for keys to become readable after a kill or a join (data may be moving); never a timing assertion.</summary>
    private const int ReadableWithinSeconds = 30;

    private readonly TroveCluster _cluster = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task TenThousandKeysWrittenThroughOneNodeAreReadBackThroughEveryNodeAcrossAKillAndAJoin()
    {
        string python = await Tools.PythonWithPymemcacheAsync();

        // 1. Three nodes, the second and third joined to the first; all agree on members and the partition table, and
        // the initial partition copies from n1 (which served everything alone) to n2 and n3 are finished.
        ClusterNode n1 = await _cluster.StartReadyAsync("n1", join: null);
        ClusterNode[] joiners = [_cluster.Start("n2", n1.GossipAddress), _cluster.Start("n3", n1.GossipAddress)];
        foreach (ClusterNode node in joiners)
            await TroveCluster.WaitReadyAsync(node);
        ClusterNode n2 = joiners[0], n3 = joiners[1];
        await AgreeAsync([n1, n2, n3], ["n1", "n2", "n3"], settled: true);

        // 2. 10,000 keys set through n1, every one read back (get_many, 100 keys a call) through n2 and through n3.
        await ClientAsync(python, "write", Port(n1), Keys.ToString(CultureInfo.InvariantCulture));
        await ClientAsync(python, "read", Keys.ToString(CultureInfo.InvariantCulture), "0", Port(n2), Port(n3));

        // 3. kill -9 of n1 (the seed and the node written through); every key must become readable through n2 and n3.
        n1.Process.Kill();
        var afterKill = Stopwatch.StartNew();
        Log($"killed n1 (kill -9, port {n1.Port})");
        await ClientAsync(python, "read", Keys.ToString(CultureInfo.InvariantCulture),
            ReadableWithinSeconds.ToString(CultureInfo.InvariantCulture), Port(n2), Port(n3));
        Log($"all {Keys} keys readable through n2 and n3 {afterKill.Elapsed.TotalSeconds:F2} s after the kill");

        // The survivors see n1 dead and agree on the table without it before n4 arrives (partitions may still be moving).
        await AgreeAsync([n2, n3], ["n2", "n3"]);

        // 4. A fourth node joins through the survivors; once the live nodes agree, every key is readable through each.
        ClusterNode n4 = await _cluster.StartReadyAsync("n4", TroveCluster.Seeds([n2.GossipPort, n3.GossipPort]));
        var afterJoin = Stopwatch.StartNew();
        await AgreeAsync([n2, n3, n4], ["n2", "n3", "n4"]);
        await ClientAsync(python, "read", Keys.ToString(CultureInfo.InvariantCulture),
            ReadableWithinSeconds.ToString(CultureInfo.InvariantCulture), Port(n2), Port(n3), Port(n4));
        Log($"all {Keys} keys readable through n2, n3 and n4 {afterJoin.Elapsed.TotalSeconds:F2} s after n4 was ready");
    }

    [Fact]
    public async Task CasWithTheUniqueFromGetsOnOneNodeSucceedsOnAnotherAndAStaleUniqueGetsExists()
    {
        string python = await Tools.PythonWithPymemcacheAsync();
        ClusterNode n1 = await _cluster.StartReadyAsync("n1", join: null);
        ClusterNode n2 = await _cluster.StartReadyAsync("n2", n1.GossipAddress);
        ClusterNode n3 = await _cluster.StartReadyAsync("n3", n1.GossipAddress);
        await AgreeAsync([n1, n2, n3], ["n1", "n2", "n3"], settled: true);

        await ClientAsync(python, "cas", Port(n1), Port(n2));
    }

    private async Task AgreeAsync(IReadOnlyList<ClusterNode> nodes, string[] alive, bool settled = false)
    {
        IReadOnlyList<ClusterView> views = await TroveCluster.WaitForAgreementAsync(nodes, alive, settled);
        Log($"agreed on [{string.Join(", ", alive)}]{(settled ? ", nothing moving" : "")}:\n  {string.Join("\n  ", views)}");
    }

    /// <summary>Runs the python client; its output goes to the test log and, on failure, into the message.</summary>
    private async Task ClientAsync(string python, params string[] arguments)
    {
        ToolRun run = await ToolRun.RunAsync(python, [ProjectPaths.InProject("Clients", "pymemcache_cluster.py"), .. arguments]);
        Log($"pymemcache_cluster.py {string.Join(' ', arguments)} (exit {run.ExitCode}):\n{run.Output.TrimEnd()}");
        Assert.True(run.ExitCode == 0, $"pymemcache against the cluster failed:\n{run}\nnodes: {Describe()}");
    }

    private string Describe() => string.Join(", ", _cluster.Nodes.Select(n =>
        $"{n.Name} port {n.Port} gossip {n.GossipPort}{(n.Process.HasExited ? " (exited)" : "")}"));

    private static string Port(ClusterNode node) => node.Port.ToString(CultureInfo.InvariantCulture);

    private void Log(string line) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F2} s] {line}");
}

using Trove.Server.Tests.Cluster;

namespace Trove.Server.Tests.Executable;

/// <summary>
/// Three real trove processes joined with --join over loopback (fast membership timings from a --config file),
/// checked through each one's stats nodes and with `trove members`; then kill -9 of one and SIGTERM of another.
/// </summary>
public sealed class ClusterExecutableTests : IDisposable
{
    private readonly TroveCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    private (TroveProcess Process, int Port) Start(string name, int gossipPort, string? join)
    {
        ClusterNode node = _cluster.Start(name, join, gossipPort);
        return (node.Process, node.Port);
    }

    [Fact]
    public async Task ThreeProcessesJoinThenSeeAKilledOneDeadAndATerminatedOneLeft()
    {
        int[] gossip = [TroveProcess.FreePort(), TroveProcess.FreePort(), TroveProcess.FreePort()];
        // Every node lists every seed, itself included (as a service file would): the first to start answers later ones.
        string seeds = TroveCluster.Seeds(gossip);
        var nodes = new[] { Start("n1", gossip[0], seeds), Start("n2", gossip[1], seeds), Start("n3", gossip[2], seeds) };
        foreach ((TroveProcess process, int port) in nodes)
            (await process.ConnectAsync(port)).Dispose();

        foreach ((TroveProcess process, int port) in nodes)
        {
            List<NodeRow> view = await NodeView.WaitForAsync(port,
                v => v.Count == 3 && v.All(r => r.State == "alive") && v.Sum(r => r.Primary) == 1024, "3 alive members");
            Assert.Equal(["n1", "n2", "n3"], view.Select(r => r.Name).Order());
        }

        using (TroveProcess members = TroveProcess.Start($"members --node 127.0.0.1:{nodes[0].Port}"))
        {
            Assert.True(members.WaitForExit(TimeSpan.FromSeconds(30)), "trove members hung");
            Assert.Equal(0, members.ExitCode);
            string[] lines = members.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Matches(@"^NAME\s+ADDRESS\s+STATE\s+PRIMARIES\s+REPLICAS$", lines[0]);
            Assert.Matches($@"^n1\s+127\.0\.0\.1:{gossip[0]}\s+alive\s+34[12]\s+\d+$", lines[1]);
            Assert.Matches($@"^n3\s+127\.0\.0\.1:{gossip[2]}\s+alive\s+34[12]\s+\d+$", lines[3]);
        }

        nodes[2].Process.Kill();
        foreach ((TroveProcess _, int port) in nodes[..2])
        {
            await NodeView.WaitForAsync(port,
                v => v.Any(r => r.Name == "n3" && r.State == "dead") && v.Where(r => r.Name != "n3").Sum(r => r.Primary) == 1024,
                "n3 dead");
        }
        Assert.Contains("Joined cluster trove with", nodes[1].Process.StandardOutput + nodes[1].Process.StandardError);

        // SIGTERM: n2 says it leaves before it stops, so n1 shows it left, not dead.
        nodes[1].Process.Terminate();
        Assert.True(nodes[1].Process.WaitForExit(TimeSpan.FromSeconds(30)), "n2 did not stop on SIGTERM");
        Assert.Equal(0, nodes[1].Process.ExitCode);
        await NodeView.WaitForAsync(nodes[0].Port, v => v.Any(r => r.Name == "n2" && r.State == "left"), "n2 left");
    }

    [Fact]
    public void MembersReportsANodeThatDoesNotAnswer()
    {
        using TroveProcess members = TroveProcess.Start($"members --node 127.0.0.1:{TroveProcess.FreePort()}");
        Assert.True(members.WaitForExit(TimeSpan.FromSeconds(30)), "trove members hung");
        Assert.Equal(69, members.ExitCode);
        Assert.Contains("cannot query", members.StandardError);
    }
}

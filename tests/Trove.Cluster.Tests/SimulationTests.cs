using System.Diagnostics;
using Trove.Cluster.Membership;
using Xunit.Abstractions;

namespace Trove.Cluster.Tests;

/// <summary>
/// 100 nodes with the default (memberlist LAN) timings on the in-memory network: 1-2 ms one-way delay, 1% datagram
/// loss. One test runs the whole story so the cluster is built once; the figures it prints are in docs/CLUSTER.md.
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 100;

    [Fact]
    public void HundredNodesConvergeDetectAKillRefuteAFalseSuspicionSeeALeaveAndKeepGossipBounded()
    {
        var wall = Stopwatch.StartNew();
        using var cluster = new TestCluster(seed: 2026);
        cluster.Network.LossRate = 0.01;
        for (int i = 0; i < Nodes; i++)
            cluster.Add();
        List<SwimNode> nodes = cluster.Nodes;

        // Joins: every node joins through node 0, all at once.
        foreach (SwimNode node in nodes.Skip(1))
            _ = node.JoinAsync([nodes[0].Address]);
        TimeSpan? converged = cluster.RunUntil(() => nodes.All(n => n.CountIn(MemberState.Alive) == Nodes), TimeSpan.FromSeconds(60));
        Assert.NotNull(converged);

        // Steady state: traffic per node per second, push-pull included (two full rounds of it).
        long before = cluster.Network.BytesSent;
        TimeSpan window = TimeSpan.FromSeconds(60);
        cluster.Run(window);
        double steadyBytesPerNodeSecond = (cluster.Network.BytesSent - before) / (double)Nodes / window.TotalSeconds;
        Assert.All(nodes, n => Assert.Equal(Nodes, n.CountIn(MemberState.Alive))); // 1% loss caused no lasting suspicion
        Assert.InRange(steadyBytesPerNodeSecond, 1, 2_000);

        // A killed member is seen as dead by every other member.
        SwimNode victim = nodes[42];
        cluster.Network.Kill(victim.Address);
        before = cluster.Network.BytesSent;
        DateTimeOffset killedAt = cluster.Clock.GetUtcNow();
        TimeSpan? firstSuspected = null;
        TimeSpan? detected = cluster.RunUntil(() =>
        {
            firstSuspected ??= nodes.Any(n => n.Find(victim.Name)?.State == MemberState.Suspect) ? cluster.Clock.GetUtcNow() - killedAt : null;
            return nodes.Where(n => n != victim).All(n => n.Find(victim.Name)?.State == MemberState.Dead);
        }, TimeSpan.FromSeconds(90));
        Assert.NotNull(detected);
        // Bound: a probe round reaches the victim within seconds, then at most the longest suspicion timeout,
        // SuspicionMaxTimeoutMult * SuspicionMult * log10(100) * 1 s = 48 s, plus gossip time.
        Assert.True(detected < TimeSpan.FromSeconds(60), $"detection took {detected}");
        double failureBytesPerNodeSecond = (cluster.Network.BytesSent - before) / (double)(Nodes - 1) / detected!.Value.TotalSeconds;

        // A false suspicion: node 7's packets are dropped until someone suspects it, then it must refute.
        SwimNode flaky = nodes[7];
        uint incarnationBefore = flaky.Incarnation;
        bool everDead = false;
        foreach (SwimNode node in nodes)
            node.MemberChanged += m => everDead |= m.Name == flaky.Name && m.State == MemberState.Dead;
        cluster.Network.Block(flaky.Address);
        TimeSpan? suspected = cluster.RunUntil(() => nodes.Any(n => n.Find(flaky.Name)?.State == MemberState.Suspect), TimeSpan.FromSeconds(30));
        Assert.NotNull(suspected);
        cluster.Network.Unblock(flaky.Address);
        TimeSpan? refuted = cluster.RunUntil(
            () => nodes.Where(n => n != victim).All(n => n.Find(flaky.Name) is { State: MemberState.Alive } m && m.Incarnation > incarnationBefore),
            TimeSpan.FromSeconds(60));
        Assert.NotNull(refuted);
        Assert.False(everDead, "the falsely suspected node was declared dead");
        Assert.True(flaky.Incarnation > incarnationBefore);

        // Every other live node is alive everywhere again (suspicions node 7 raised while cut off were refuted too).
        cluster.Run(TimeSpan.FromSeconds(30));
        Assert.All(nodes.Where(n => n != victim), n => Assert.Equal(Nodes - 1, n.CountIn(MemberState.Alive)));

        // A graceful leave is seen as Left (not Dead) by every remaining member.
        SwimNode leaver = nodes[99];
        leaver.Leave();
        TimeSpan? left = cluster.RunUntil(
            () => nodes.Where(n => n != victim && n != leaver).All(n => n.Find(leaver.Name)?.State == MemberState.Left),
            TimeSpan.FromSeconds(30));
        Assert.NotNull(left);
        leaver.Dispose();

        wall.Stop();
        output.WriteLine($"nodes {Nodes}, loss 1%, delay 1-2 ms, seed 2026, default timings");
        output.WriteLine($"convergence after simultaneous joins: {converged!.Value.TotalSeconds:F1} s simulated");
        output.WriteLine($"steady gossip: {steadyBytesPerNodeSecond:F0} bytes/node/s over {window.TotalSeconds:F0} s");
        output.WriteLine($"kill: first suspected after {firstSuspected!.Value.TotalSeconds:F1} s, dead everywhere after {detected.Value.TotalSeconds:F1} s; {failureBytesPerNodeSecond:F0} bytes/node/s meanwhile");
        output.WriteLine($"false suspicion: suspected after {suspected!.Value.TotalSeconds:F1} s blocked, refuted everywhere {refuted!.Value.TotalSeconds:F1} s after unblocking (incarnation {incarnationBefore} -> {flaky.Incarnation})");
        output.WriteLine($"graceful leave: Left in all views after {left!.Value.TotalSeconds:F1} s");
        output.WriteLine($"timers fired {cluster.Clock.Fired}, datagrams {cluster.Network.PacketsSent}, wall time {wall.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void StaggeredJoinsThroughRandomMembersConvergeAndFivePercentLossKillsNobody()
    {
        using var cluster = new TestCluster(seed: 77);
        cluster.Network.LossRate = 0.05;
        var random = new Random(77);
        int suspicions = 0, deaths = 0;
        for (int i = 0; i < Nodes; i++)
        {
            SwimNode node = cluster.Add();
            node.MemberChanged += m =>
            {
                suspicions += m.State == MemberState.Suspect ? 1 : 0;
                deaths += m.State == MemberState.Dead ? 1 : 0;
            };
            // Each newcomer knows one random earlier node, and newcomers arrive every 100 ms.
            if (i > 0)
                _ = node.JoinAsync([cluster.Nodes[random.Next(i)].Address]);
            cluster.Run(TimeSpan.FromMilliseconds(100));
        }
        List<SwimNode> nodes = cluster.Nodes;

        TimeSpan? converged = cluster.RunUntil(() => nodes.All(n => n.CountIn(MemberState.Alive) == Nodes), TimeSpan.FromSeconds(60));
        Assert.NotNull(converged);
        cluster.Run(TimeSpan.FromSeconds(120));

        Assert.Equal(0, deaths);
        Assert.All(nodes, n => Assert.Equal(Nodes, n.CountIn(MemberState.Alive)));
        output.WriteLine($"staggered joins (one per 100 ms, random seed member), 5% loss, seed 77: all agree {converged.Value.TotalSeconds:F1} s after the last join; "
            + $"{suspicions} suspicion events (each node's view counted), {deaths} deaths over the following 120 s");
    }
}

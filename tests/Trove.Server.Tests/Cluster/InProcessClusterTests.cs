using Trove.Cluster;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>
/// Three real nodes in one process, gossiping over loopback UDP+TCP with fast timings. Every assertion waits for a
/// state (bounded only to detect a hang), never for a time.
/// </summary>
public sealed class InProcessClusterTests
{
    private static ClusterNodeOptions Fast(string name, string? join = null) => LocalCluster.Fast(name, join);

    private static Task<TroveNode> StartAsync(ClusterNodeOptions cluster) =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(), cluster, configureLogging: null);

    private static bool AllAlive(List<NodeRow> view, int count) =>
        view.Count == count && view.All(r => r.State == "alive") && view.Sum(r => r.Primary) == 1024;

    [Fact]
    public async Task ThreeNodesJoinThenSeeAKilledOneDeadAndAStoppedOneLeft()
    {
        await using TroveNode a = await StartAsync(Fast("a"));
        string seed = a.GossipAddress!.Value.ToString();
        await using TroveNode b = await StartAsync(Fast("b", seed));
        await using TroveNode c = await StartAsync(Fast("c", $"127.0.0.1:1,{seed}")); // a dead seed first: the next one answers

        var views = new List<List<NodeRow>>();
        foreach (TroveNode node in new[] { a, b, c })
            views.Add(await NodeView.WaitForAsync(node.Port, v => AllAlive(v, 3), "3 alive members owning 1024 primaries"));

        // Every node computed the same table from the same members: the same counts everywhere, each node a primary
        // for about a third and, with 2 replicas, a replica for about another third.
        foreach (List<NodeRow> view in views)
        {
            Assert.Equal(["a", "b", "c"], view.Select(r => r.Name).Order());
            Assert.Equal(views[0].Select(r => (r.Name, r.Primary, r.Replica)), view.Select(r => (r.Name, r.Primary, r.Replica)));
            Assert.All(view, r => Assert.InRange(r.Primary, 341, 342));
            Assert.Equal(1024, view.Sum(r => r.Replica));
        }
        Assert.Equal(a.GossipAddress.Value.ToString(), views[1].Single(r => r.Name == "a").Address);

        // c stops gossiping without a word, as kill -9: a and b find it dead and share its partitions.
        c.AbandonCluster();
        foreach (TroveNode node in new[] { a, b })
        {
            List<NodeRow> view = await NodeView.WaitForAsync(node.Port,
                v => v.Any(r => r.Name == "c" && r.State == "dead") && v.Where(r => r.Name != "c").Sum(r => r.Primary) == 1024,
                "c dead and its partitions taken over");
            NodeRow dead = view.Single(r => r.Name == "c");
            Assert.Equal((0, 0), (dead.Primary, dead.Replica));
        }

        // b stops gracefully: it says it leaves, so a shows it left (not dead) and owns everything.
        await b.DisposeAsync();
        List<NodeRow> last = await NodeView.WaitForAsync(a.Port,
            v => v.Any(r => r.Name == "b" && r.State == "left"), "b left");
        Assert.Equal(1024, last.Single(r => r.Name == "a").Primary);

        Trove.Server.Tests.Infrastructure.Stats cluster = await Trove.Server.Tests.Infrastructure.Stats.ReadAsync(a.Port, "stats cluster");
        Assert.Equal(1, cluster["members"]);
        Assert.Equal(3, cluster["members_known"]);
        Assert.Equal("yes", cluster.Values["gossip_enabled"]);
        Assert.True(cluster["partition_table_version"] >= 4); // 1, 2 or 3 members, then c dead, then b left
    }

    [Fact]
    public async Task NodesWithDifferentClusterNamesDoNotJoin()
    {
        await using TroveNode a = await StartAsync(Fast("a"));
        ClusterNodeOptions other = Fast("x", a.GossipAddress!.Value.ToString());
        other.ClusterName = "other";
        await using TroveNode x = await StartAsync(other);
        ClusterNodeOptions same = Fast("b", a.GossipAddress!.Value.ToString());
        await using TroveNode b = await StartAsync(same);

        // b's join proves a answered joins meanwhile; x, retrying all along, was never let in.
        await NodeView.WaitForAsync(a.Port, v => AllAlive(v, 2), "b joined");
        Assert.DoesNotContain(await NodeView.ReadAsync(a.Port), r => r.Name == "x");
        Assert.Equal(["x"], (await NodeView.ReadAsync(x.Port)).Select(r => r.Name));
    }

    [Fact]
    public async Task NodesSharingAClusterKeyJoinAndANodeWithAnotherKeyDoesNot()
    {
        string key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray());
        string otherKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray());
        ClusterNodeOptions first = Fast("a");
        first.ClusterKey = key;
        await using TroveNode a = await StartAsync(first);
        ClusterNodeOptions stranger = Fast("x", a.GossipAddress!.Value.ToString());
        stranger.ClusterKey = otherKey;
        await using TroveNode x = await StartAsync(stranger);
        ClusterNodeOptions member = Fast("b", a.GossipAddress!.Value.ToString());
        member.ClusterKey = key;
        await using TroveNode b = await StartAsync(member);

        await NodeView.WaitForAsync(b.Port, v => AllAlive(v, 2), "a and b joined with the shared key");
        Assert.DoesNotContain(await NodeView.ReadAsync(a.Port), r => r.Name == "x");
        Assert.Equal(["x"], (await NodeView.ReadAsync(x.Port)).Select(r => r.Name));
    }
}

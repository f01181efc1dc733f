using Trove.Cluster;
using Trove.Cluster.Membership;
using Trove.Cluster.Placement;
using Trove.Server.Cluster;

namespace Trove.Server.Tests.Cluster;

public sealed class ClusterStateTests
{
    private static Member M(string name, MemberState state = MemberState.Alive, uint incarnation = 1) =>
        new(name, new NodeAddress("127.0.0.1", 7000 + name[0]), incarnation, state);

    private static IEnumerable<string[]> Owners(PartitionTable table) =>
        Enumerable.Range(0, PartitionTable.PartitionCount).Select(p => table.OwnersOf(p).ToArray());

    [Fact]
    public void NodesWithDifferentHistoriesComputeTheSameTableForTheSameMembers()
    {
        var first = new ClusterState("trove", 2, gossip: true);
        first.Publish("a", [M("a")]);
        first.Publish("a", [M("a"), M("b")]);
        ClusterSnapshot fromA = first.Publish("a", [M("a"), M("b"), M("c")]);

        var second = new ClusterState("trove", 2, gossip: true);
        second.Publish("c", [M("c")]);
        ClusterSnapshot fromC = second.Publish("c", [M("c"), M("b"), M("a")]);

        Assert.Equal(Owners(fromA.Table), Owners(fromC.Table));
        Assert.Equal(["a", "b", "c"], fromA.Members.Select(m => m.Name));
    }

    [Fact]
    public void OnlyAChangeOfTheLiveSetMakesANewTable()
    {
        var state = new ClusterState("trove", 2, gossip: true);
        ClusterSnapshot one = state.Publish("a", [M("a"), M("b")], out bool changed);
        Assert.True(changed);
        Assert.Equal(1, one.Table.Version);

        ClusterSnapshot refuted = state.Publish("a", [M("a"), M("b", MemberState.Suspect, incarnation: 2)], out changed);
        Assert.False(changed); // a suspect keeps its partitions: one lost probe moves nothing
        Assert.Same(one.Table, refuted.Table);
        Assert.Equal(MemberState.Suspect, refuted.Members[1].State);

        ClusterSnapshot dead = state.Publish("a", [M("a"), M("b", MemberState.Dead, incarnation: 2)], out changed);
        Assert.True(changed);
        Assert.Equal(2, dead.Table.Version);
        Assert.Equal((1024, 1024), dead.Load["a"]);
        Assert.False(dead.Load.ContainsKey("b"));
    }
}

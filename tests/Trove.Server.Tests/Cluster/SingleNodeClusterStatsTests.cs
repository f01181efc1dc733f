using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

public sealed class SingleNodeClusterStatsTests
{
    [Fact]
    public async Task WithoutGossipStatsNodesListsThisNodeOwningEveryPartition()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());

        List<NodeRow> view = await NodeView.ReadAsync(node.Port);

        NodeRow self = Assert.Single(view);
        Assert.Equal($"127.0.0.1:{node.Port}", self.Name);
        Assert.Equal($"127.0.0.1:{node.Port}", self.Address);
        Assert.Equal("alive", self.State);
        Assert.Equal(1024, self.Primary);
        Assert.Equal(0, self.Replica);
        Assert.Null(node.GossipAddress);
    }

    [Fact]
    public async Task WithoutGossipStatsClusterSaysOneMember()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(),
            new ClusterNodeOptions { NodeName = "solo", ClusterName = "mine", Replicas = 3 }, configureLogging: null);

        Stats stats = await Stats.ReadAsync(node.Port, "stats cluster");

        Assert.Equal("mine", stats.Values["cluster_name"]);
        Assert.Equal("solo", stats.Values["node_name"]);
        Assert.Equal("no", stats.Values["gossip_enabled"]);
        Assert.Equal(1, stats["members"]);
        Assert.Equal(1024, stats["partitions"]);
        Assert.Equal(3, stats["replicas"]);
        Assert.Equal(1, stats["partition_table_version"]);
        Assert.Equal(0, stats["migrations_in_progress"]);
    }

    [Fact]
    public async Task PlainStatsCarriesNoClusterLines()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());

        Stats stats = await Stats.ReadAsync(node.Port);

        Assert.Contains("pid", stats.Values.Keys);
        Assert.DoesNotContain(stats.Values.Keys, k => k.Contains("cluster", StringComparison.Ordinal) || k.Contains("partition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidClusterOptionsFailTheStart()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(),
            new ClusterNodeOptions { GossipPort = 0, Replicas = 0 }, configureLogging: null));
        Assert.Contains("--replicas", error.Message);
    }
}

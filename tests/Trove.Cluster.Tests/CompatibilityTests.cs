using Trove.Cluster.Membership;
using Trove.Cluster.Transport;
using Trove.Cluster.Wire;

namespace Trove.Cluster.Tests;

/// <summary>
/// The settings fingerprint (ClusterOptions.Compatibility) checked on every join and push-pull: a node whose partition
/// or replica count differs is refused by the seed, told why, logged once on each side, and never becomes a member.
/// </summary>
public sealed class CompatibilityTests
{
    private const int RefusedBy = 107, RefusedPeer = 108, SeedUnanswered = 106, PacketRefused = 100;

    [Fact]
    public void FingerprintNamesPartitionsAndReplicas()
    {
        Assert.Equal("partitions=1024 replicas=2", new ClusterOptions().Compatibility);
        Assert.Equal("partitions=1024 replicas=3", new ClusterOptions { Replicas = 3 }.Compatibility);
    }

    [Theory]
    [InlineData(3, 1024, "replicas differ (this node 3, cluster 2)", "replicas differ (this node 2, node-001 3)")]
    [InlineData(2, 512, "partitions differ (this node 512, cluster 1024)", "partitions differ (this node 1024, node-001 512)")]
    [InlineData(1, 4096, "partitions differ (this node 4096, cluster 1024); replicas differ (this node 1, cluster 2)",
        "partitions differ (this node 1024, node-001 4096); replicas differ (this node 2, node-001 1)")]
    public void AJoinWithOtherSettingsIsRefusedWithTheReasonAndLoggedOnceOnEachSide(int replicas, int partitions, string joinerSees, string seedSees)
    {
        using var cluster = new TestCluster(11);
        SwimNode seed = cluster.Add();
        SwimNode joiner = cluster.Add(o => { o.Replicas = replicas; o.PartitionCount = partitions; });

        Task<NodeAddress> join = joiner.JoinAsync([seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));
        long sentAfterRefusal = cluster.Network.BytesSentBy(joiner.Address);
        cluster.Run(TimeSpan.FromSeconds(60));

        ClusterJoinRefusedException refused = Assert.IsType<ClusterJoinRefusedException>(join.Exception?.InnerException);
        Assert.Equal([new JoinRefusal(seed.Address, joinerSees)], refused.Refusals);
        Assert.Equal($"Every seed refused this node: 10.0.0.1:7946: {joinerSees}", refused.Message);
        // Neither side took the other in, and the joiner did not ask again (it sent nothing more after the refusal).
        Assert.Null(seed.Find(joiner.Name));
        Assert.Null(joiner.Find(seed.Name));
        Assert.Equal(sentAfterRefusal, cluster.Network.BytesSentBy(joiner.Address));
        var joinerLine = Assert.Single(cluster.Log.Entries, e => e.Id.Id == RefusedBy);
        Assert.StartsWith($"Refused by 10.0.0.1:7946 (node-000): {joinerSees}; nothing merged", joinerLine.Message);
        var seedLine = Assert.Single(cluster.Log.Entries, e => e.Id.Id == RefusedPeer);
        Assert.StartsWith($"Refused node-001 at 10.0.0.2:7946: {seedSees}; ", seedLine.Message);
        Assert.DoesNotContain(cluster.Log.Entries, e => e.Id.Id is SeedUnanswered or PacketRefused);
    }

    [Fact]
    public void ARefusingSeedIsNotAskedAgainWhileAnotherSeedIsStillRetried()
    {
        using var cluster = new TestCluster(12);
        SwimNode seed = cluster.Add();
        SwimNode joiner = cluster.Add(o => o.Replicas = 3);
        var down = new NodeAddress("10.9.9.9", 7946);

        Task<NodeAddress> join = joiner.JoinAsync([down, seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));
        long seedSent = cluster.Network.BytesSentBy(seed.Address);
        cluster.Run(TimeSpan.FromSeconds(30));

        // Still waiting for the seed that never answered; the refusing one answered once (its one reply is all it sent).
        Assert.False(join.IsCompleted);
        Assert.True(seedSent > 0);
        Assert.Equal(seedSent, cluster.Network.BytesSentBy(seed.Address));
        Assert.Single(cluster.Log.Entries, e => e.Id.Id == RefusedBy);
        Assert.Single(cluster.Log.Entries, e => e.Id.Id == SeedUnanswered && e.Message.Contains("10.9.9.9:7946"));
    }

    [Fact]
    public void TwoJoinCallsShareOneTaskThatFaultsOnlyWhenEveryCallsSeedsRefused()
    {
        using var cluster = new TestCluster(17);
        SwimNode seed = cluster.Add();
        SwimNode other = cluster.Add();
        SwimNode joiner = cluster.Add(o => o.Replicas = 3);
        SwimNode patient = cluster.Add(o => o.Replicas = 3);
        var down = new NodeAddress("10.9.9.9", 7946);

        Task<NodeAddress> first = joiner.JoinAsync([seed.Address]);
        Task<NodeAddress> second = joiner.JoinAsync([other.Address]);
        Task<NodeAddress> waiting = patient.JoinAsync([seed.Address]);
        Task<NodeAddress> stillWaiting = patient.JoinAsync([down]);
        cluster.Run(TimeSpan.FromSeconds(30));

        Assert.Same(first, second);
        ClusterJoinRefusedException refused = Assert.IsType<ClusterJoinRefusedException>(first.Exception?.InnerException);
        Assert.Equal(["10.0.0.1:7946", "10.0.0.2:7946"], refused.Refusals.Select(r => r.Seed.ToString()).Order());
        Assert.Same(waiting, stillWaiting);
        Assert.False(waiting.IsCompleted); // its first call's seed refused, but its second call's may yet answer
    }

    [Fact]
    public void ARefusedNodeIsNotAddedWhenItIsHeardOfThroughGossip()
    {
        using var cluster = new TestCluster(13);
        SwimNode seed = cluster.Add();
        SwimNode odd = cluster.Add(o => o.Replicas = 3);
        _ = odd.JoinAsync([seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));
        Assert.Null(seed.Find(odd.Name));

        // Another member vouches for it, by gossip and by push-pull state: the seed still keeps it out.
        IClusterTransport raw = cluster.Network.CreateTransport(new NodeAddress("10.9.9.7", 1));
        var sealer = new PacketSealer("trove", null);
        raw.SendPacket(seed.Address, sealer.Seal(MessageCodec.Encode(new AliveMessage(5, odd.Name, odd.Address))));
        var writer = new WireWriter();
        MessageCodec.Append(writer, new SettingsMessage("friend", new ClusterOptions().Compatibility));
        MessageCodec.Append(writer, new PushPullMessage(false, [new Member(odd.Name, odd.Address, 7, MemberState.Alive)]));
        raw.Exchange(seed.Address, sealer.Seal(writer.Written), TimeSpan.FromSeconds(10), _ => { });
        cluster.Run(TimeSpan.FromSeconds(5));

        Assert.Null(seed.Find(odd.Name));
        Assert.Equal(1, seed.CountIn(MemberState.Alive));
    }

    [Fact]
    public void ANodeRestartedWithTheClustersSettingsIsAcceptedUnderTheRefusedName()
    {
        using var cluster = new TestCluster(14);
        SwimNode seed = cluster.Add();
        SwimNode odd = cluster.Add(o => o.Replicas = 3);
        Task<NodeAddress> refused = odd.JoinAsync([seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));
        Assert.True(refused.IsFaulted);

        odd.Dispose();
        SwimNode fixedNode = cluster.Restart(1); // same name and address, default settings
        Task<NodeAddress> joined = fixedNode.JoinAsync([seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));

        Assert.True(joined.IsCompletedSuccessfully);
        Assert.Equal(MemberState.Alive, seed.Find(fixedNode.Name)?.State);
        Assert.Equal(MemberState.Alive, fixedNode.Find(seed.Name)?.State);
    }

    [Fact]
    public void AJoinWithAnotherClusterNameIsDroppedByTheSeedAndLoggedOnceOnEachSide()
    {
        using var cluster = new TestCluster(15);
        SwimNode seed = cluster.Add();
        SwimNode stranger = cluster.Add(o => o.ClusterName = "other");

        Task<NodeAddress> join = stranger.JoinAsync([seed.Address]);
        cluster.Run(TimeSpan.FromSeconds(30)); // about 30 attempts

        // The seed cannot tell a stranger what is wrong without talking to strangers: it drops, and the joiner waits.
        Assert.False(join.IsCompleted);
        Assert.Null(seed.Find(stranger.Name));
        Assert.Single(cluster.Log.Entries, e => e.Id.Id == PacketRefused && e.Message.Contains("from 10.0.0.2:7946: WrongCluster"));
        Assert.Single(cluster.Log.Entries, e => e.Id.Id == SeedUnanswered && e.Message.Contains("10.0.0.1:7946"));
    }

    [Fact]
    public void AMemberRestartedWithOtherSettingsIsRefusedOnPushPullAndDeclaredDead()
    {
        using var cluster = new TestCluster(16);
        SwimNode a = cluster.Add();
        SwimNode b = cluster.Add();
        Task<NodeAddress> join = b.JoinAsync([a.Address]);
        cluster.Run(TimeSpan.FromSeconds(5));
        Assert.True(join.IsCompletedSuccessfully);

        // b comes back at once under its name with another replica count: it still answers a's probes, so only
        // the settings check of the next push-pull (every 30 s) can tell a that this is not the member it knew.
        b.Dispose();
        SwimNode changed = cluster.Restart(1, o => o.Replicas = 3);
        cluster.Run(TimeSpan.FromSeconds(120));

        Assert.Equal(MemberState.Dead, a.Find(changed.Name)?.State);
        Assert.NotEqual(MemberState.Alive, changed.Find(a.Name)?.State ?? MemberState.Dead);
        Assert.Single(cluster.Log.Entries, e => e.Id.Id == RefusedBy && e.Message.Contains("(node-001): replicas differ (this node 2, cluster 3)"));
    }
}

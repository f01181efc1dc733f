using System.CommandLine;
using System.Text;
using Trove.Cli;
using Trove.Cluster;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>stats partitions (the owners of each partition) and `trove keys`, which reads it to print keys a member owns.</summary>
public sealed class PartitionStatsTests
{
    private static ClusterNodeOptions Fast(string name, string? join = null, int replicas = 2)
    {
        ClusterNodeOptions options = LocalCluster.Fast(name, join);
        options.Replicas = replicas;
        return options;
    }

    private static Task<TroveNode> StartAsync(ClusterNodeOptions cluster) =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(), cluster, configureLogging: null);

    private static async Task<string[][]> ReadOwnersAsync(int port)
    {
        Stats stats = await Stats.ReadAsync(port, "stats partitions");
        var owners = new string[stats.Values.Count][];
        foreach ((string partition, string value) in stats.Values)
            owners[int.Parse(partition, System.Globalization.CultureInfo.InvariantCulture)] = value.Split(',');
        return owners;
    }

    [Fact]
    public async Task WithoutGossipEveryPartitionIsOwnedByThisNode()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());

        string[][] owners = await ReadOwnersAsync(node.Port);

        Assert.Equal(1024, owners.Length);
        Assert.All(owners, o => Assert.Equal([$"127.0.0.1:{node.Port}"], o));
    }

    [Fact]
    public async Task ThreeNodesListEveryPartitionWithMembersAsOwnersAndTroveKeysPrintsKeysOfTheGivenPrimary()
    {
        await using TroveNode a = await StartAsync(Fast("a"));
        string seed = a.GossipAddress!.Value.ToString();
        await using TroveNode b = await StartAsync(Fast("b", seed));
        await using TroveNode c = await StartAsync(Fast("c", seed));
        await NodeView.WaitForAsync(a.Port, v => v.Count == 3 && v.All(r => r.State == "alive") && v.Sum(r => r.Primary) == 1024, "3 alive members");

        string[][] owners = await ReadOwnersAsync(a.Port);

        Assert.Equal(1024, owners.Length);
        foreach (string[] partition in owners)
        {
            Assert.Equal(2, partition.Length); // primary and one replica (default 2 replicas)
            Assert.Subset(new HashSet<string> { "a", "b", "c" }, partition.ToHashSet());
            Assert.Equal(2, partition.Distinct().Count());
        }
        Assert.All(new[] { "a", "b", "c" }, name => Assert.InRange(owners.Count(o => o[0] == name), 341, 342));

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await TroveCommandLine.Create()
            .Parse(["keys", "--node", $"127.0.0.1:{a.Port}", "--owner", "b", "--count", "50", "--prefix", "k:"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exit == 0, error.ToString());
        string[] keys = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(50, keys.Length);
        Assert.Equal(50, keys.Distinct().Count());
        Assert.All(keys, key =>
        {
            Assert.StartsWith("k:", key);
            Assert.Equal("b", owners[KeyPartitioner.PartitionOf(Encoding.ASCII.GetBytes(key), 1024)][0]);
        });
    }

    [Fact]
    public async Task TroveKeysRefusesAnOwnerThatIsNoPrimary()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());
        var error = new StringWriter();

        int exit = await TroveCommandLine.Create()
            .Parse(["keys", "--node", $"127.0.0.1:{node.Port}", "--owner", "nobody", "--count", "3"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(69, exit);
        Assert.Contains("primary of no partition", error.ToString());
    }

    [Fact]
    public void KeysOwnedByYieldsOnlyKeysWhosePartitionHasThatPrimary()
    {
        var primaries = new string?[1024];
        for (int p = 0; p < primaries.Length; p++)
            primaries[p] = p % 3 == 0 ? "x" : "y";

        List<string> keys = [.. KeysCommand.KeysOwnedBy(primaries, "x", "p").Take(200)];

        Assert.Equal(200, keys.Count);
        Assert.All(keys, k => Assert.Equal(0, KeyPartitioner.PartitionOf(Encoding.ASCII.GetBytes(k), 1024) % 3));
    }

    [Fact]
    public void TryParsePrimariesNeedsEveryPartitionAndEnd()
    {
        var reply = new StringBuilder();
        for (int p = 0; p < 1024; p++)
            reply.Append($"STAT {p} n{p % 2},n{(p + 1) % 2}\r\n");

        Assert.False(KeysCommand.TryParsePrimaries(reply.ToString(), out _));
        Assert.True(KeysCommand.TryParsePrimaries(reply + "END\r\n", out string?[] primaries));
        Assert.Equal("n0", primaries[0]);
        Assert.Equal("n1", primaries[1023]);
        Assert.False(KeysCommand.TryParsePrimaries("STAT 0 a\r\nEND\r\n", out _));
        Assert.False(KeysCommand.TryParsePrimaries("ERROR\r\n", out _));
    }
}

using System.Text.RegularExpressions;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Cluster;

/// <summary>
/// Writes reach every owner of their partition; a node that stops or joins moves no key out of reach. The item
/// counts summed over the nodes show where copies are: with two replicas each key is held exactly twice.
/// </summary>
public sealed class ReplicationTests
{
    private const int KeyCount = 600;

    private static byte[] SetAll(string prefix, int count) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"set {prefix}{i} {i} 0 {Value(i).Length}\r\n{Value(i)}\r\n")));

    private static string Value(int i) => $"value-{i}-" + new string((char)('a' + i % 26), i % 50);

    /// <summary>Reads every key through <paramref name="port"/> in gets of 50 keys; returns how many came back wrong or missing.</summary>
    private static async Task<int> WrongOrMissingAsync(int port, string prefix, int count)
    {
        int wrong = 0;
        for (int start = 0; start < count; start += 50)
        {
            int[] batch = [.. Enumerable.Range(start, Math.Min(50, count - start))];
            string reply = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(port,
                Encoding.ASCII.GetBytes($"get {string.Join(' ', batch.Select(i => prefix + i))}\r\n"))).Reply);
            string expected = string.Concat(batch.Select(i => $"VALUE {prefix}{i} {i} {Value(i).Length}\r\n{Value(i)}\r\n")) + "END\r\nMN\r\n";
            if (reply != expected)
                wrong += batch.Count(i => !reply.Contains($"VALUE {prefix}{i} {i} {Value(i).Length}\r\n{Value(i)}\r\n", StringComparison.Ordinal));
        }
        return wrong;
    }

    [Fact]
    public async Task EveryWriteIsHeldByItsTwoOwnersAndDeletesReachBoth()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        Transcript stored = await RawClient.ExchangeAsync(cluster[0].Port, SetAll("r", KeyCount));
        Assert.Equal(KeyCount, Regex.Count(Encoding.ASCII.GetString(stored.Reply), "STORED\r\n"));
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 2 * KeyCount, "two copies of every key");

        await RawClient.ExchangeAsync(cluster[1].Port, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, KeyCount).Select(i => $"delete r{i} noreply\r\n"))));
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 0, "every copy deleted");
    }

    [Fact]
    public async Task WithSyncReplicationTheReplicasHoldAWriteWhenItIsAcknowledged()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3, options => options.SyncReplication = true);
        for (int round = 0; round < 3; round++)
        {
            await RawClient.ExchangeAsync(cluster[round].Port, SetAll($"s{round}-", 200));
            // No waiting: every STORED was sent after both owners had the item.
            Assert.Equal(2 * 200 * (round + 1), await cluster.TotalItemsAsync());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ANodeThatStopsGracefullyCostsNoReadAndNoKey(int replicas)
    {
        // With one replica only the leaving node holds its keys: it must hand them over before it goes.
        await using LocalCluster cluster = await LocalCluster.StartAsync(3, options => options.Replicas = replicas);
        await RawClient.ExchangeAsync(cluster[0].Port, SetAll("g", KeyCount));
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == replicas * KeyCount, "every copy of every key");

        // A reader keeps going through node 0 while node 2 leaves.
        using var stop = new CancellationTokenSource();
        int reads = 0, failures = 0;
        Task reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                failures += await WrongOrMissingAsync(cluster[0].Port, "g", KeyCount);
                reads++;
            }
        });
        await cluster.StopAsync(2);
        int readsAfterStop = reads;
        await LocalCluster.EventuallyAsync(() => Task.FromResult(reads), r => r >= readsAfterStop + 2, "two full reads after the stop");
        stop.Cancel();
        await reader;
        Assert.Equal(0, failures);
        foreach (TroveNode node in cluster.Nodes)
            Assert.Equal(0, await WrongOrMissingAsync(node.Port, "g", KeyCount));
        // The survivors hold every copy again.
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == replicas * KeyCount, "every copy again");
    }

    [Fact]
    public async Task ANodeThatJoinsTakesItsShareAndEveryKeyStaysReadable()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(2);
        await RawClient.ExchangeAsync(cluster[0].Port, SetAll("j", KeyCount));
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 2 * KeyCount, "two copies on two nodes");

        TroveNode joined = await cluster.AddNodeAsync();
        foreach (TroveNode node in cluster.Nodes)
            Assert.Equal(0, await WrongOrMissingAsync(node.Port, "j", KeyCount));
        // The newcomer holds about a third of the copies, and the old owners dropped what they handed over.
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 2 * KeyCount, "still exactly two copies");
        long onNewcomer = (await Stats.ReadAsync(joined.Port))["curr_items"];
        Assert.InRange(onNewcomer, KeyCount * 2 / 3 - 150, KeyCount * 2 / 3 + 150);
        Assert.True((await Stats.ReadAsync(cluster[0].Port, "stats cluster"))["migration_items_copied"]
            + (await Stats.ReadAsync(cluster[1].Port, "stats cluster"))["migration_items_copied"] > 0);
    }

    [Fact]
    public async Task ANodeThatDiesIsReplacedByItsReplicasAtOnce()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        await RawClient.ExchangeAsync(cluster[0].Port, SetAll("d", KeyCount));
        await LocalCluster.EventuallyAsync(cluster.TotalItemsAsync, total => total == 2 * KeyCount, "two copies of every key");

        // Node 2 stops answering on every port at once, without leaving (as kill -9): the others have not noticed
        // yet, so reads of its keys must fail over to the replica on the first try.
        await cluster[2].KillAsync();
        Assert.Equal(0, await WrongOrMissingAsync(cluster[0].Port, "d", KeyCount));
        Assert.Equal(0, await WrongOrMissingAsync(cluster[1].Port, "d", KeyCount));
        Assert.True((await Stats.ReadAsync(cluster[0].Port, "stats cluster"))["forward_failovers"]
            + (await Stats.ReadAsync(cluster[1].Port, "stats cluster"))["forward_failovers"] > 0);
    }

    [Fact]
    public async Task AMultiGetWhoseOwnerIsGoneAnswersItsKeysAsMissesAndTheRestAsHits()
    {
        // One copy of each key: when its node dies, its keys are gone, but a get that spans nodes still answers.
        await using LocalCluster cluster = await LocalCluster.StartAsync(3, options => options.Replicas = 1);
        await RawClient.ExchangeAsync(cluster[0].Port, SetAll("m", 300));
        long onVictim = (await Stats.ReadAsync(cluster[2].Port))["curr_items"];
        Assert.InRange(onVictim, 1, 299);
        await cluster[2].KillAsync();

        string reply = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(cluster[0].Port,
            Encoding.ASCII.GetBytes($"get {string.Join(' ', Enumerable.Range(0, 300).Select(i => $"m{i}"))}\r\nmg m1 v\r\n"))).Reply);
        Assert.DoesNotContain("ERROR", reply, StringComparison.Ordinal);
        Assert.Equal(300 - onVictim, Regex.Count(reply, "^VALUE ", RegexOptions.Multiline));
        Assert.Equal(1, Regex.Count(reply, "^END\r\n", RegexOptions.Multiline));
        Assert.EndsWith("MN\r\n", reply, StringComparison.Ordinal);
        // Every value that came back is the right one, in key order.
        int[] returned = [.. Regex.Matches(reply, "^VALUE m(\\d+) ", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(returned.Order(), returned);
        foreach (int i in returned)
            Assert.Contains($"VALUE m{i} {i} {Value(i).Length}\r\n{Value(i)}\r\n", reply, StringComparison.Ordinal);
    }
}

using Trove.Cluster.Placement;
using Xunit.Abstractions;

namespace Trove.Cluster.Tests;

public sealed class PlacementTests(ITestOutputHelper output)
{
    private const int P = PartitionTable.PartitionCount;

    private static string[] Names(int count, int from = 0) => [.. Enumerable.Range(from, count).Select(i => $"node-{i:D2}")];

    [Fact]
    public void PartitionCountIsTheEngines()
        => Assert.Equal(PartitionTable.PartitionCount, new Trove.Storage.EngineOptions().PartitionCount);

    [Fact]
    public void SameInputsInAnyOrderGiveTheSameTable()
    {
        PartitionTable a = PartitionTable.Empty.Next(Names(7), 2).Next(Names(8), 2);
        PartitionTable b = PartitionTable.Empty.Next(Names(7).Reverse(), 2).Next(Names(8).OrderBy(n => n.GetHashCode()), 2);

        Assert.Equal(2, a.Version);
        Assert.Equal(a.Version, b.Version);
        for (int p = 0; p < P; p++)
            Assert.Equal(a.OwnersOf(p), b.OwnersOf(p));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryPartitionHasDistinctOwnersUpToTheReplicaCount(int replicas)
    {
        foreach (int n in new[] { 1, 2, 3, 5 })
        {
            PartitionTable table = PartitionTable.Empty.Next(Names(n), replicas);
            for (int p = 0; p < P; p++)
            {
                Assert.Equal(Math.Min(n, replicas), table.OwnersOf(p).Count);
                Assert.Equal(table.OwnersOf(p).Count, table.OwnersOf(p).Distinct().Count());
            }
        }
    }

    [Fact]
    public void FreshTablesAreBalancedWithinTenPercentFor2To20Nodes()
    {
        for (int n = 2; n <= 20; n++)
            AssertBalanced(PartitionTable.Empty.Next(Names(n), 2));
    }

    [Fact]
    public void JoinsOneByOneMoveAboutOneNthAndStayBalanced()
    {
        PartitionTable table = PartitionTable.Empty.Next(Names(1), 2);
        for (int n = 2; n <= 20; n++)
        {
            PartitionTable next = table.Next(Names(n), 2);
            int copies = table.CopiesTo(next);
            int slots = P * Math.Min(2, n);
            // The minimum: the newcomer's fair share of the slots; everything else stays where it was.
            double ideal = (double)slots / n;
            output.WriteLine($"join {n - 1}->{n}: {copies} copies of {slots} slots ({100.0 * copies / slots:F1}%), ideal {ideal:F0}");
            Assert.InRange(copies, (int)Math.Floor(ideal), (int)Math.Ceiling(ideal * 1.02) + 1);
            AssertBalanced(next);
            table = next;
        }
    }

    [Fact]
    public void LeavesMoveOnlyTheDepartedMembersSlotsAndStayBalanced()
    {
        string[] members = Names(20);
        PartitionTable table = PartitionTable.Empty.Next(members, 2);
        var random = new Random(7);
        while (members.Length > 2)
        {
            string gone = members[random.Next(members.Length)];
            members = [.. members.Where(m => m != gone)];
            PartitionTable next = table.Next(members, 2);
            int held = table.Load()[gone].Owned;
            int copies = table.CopiesTo(next);
            output.WriteLine($"leave {members.Length + 1}->{members.Length}: {copies} copies, departed held {held}");
            Assert.InRange(copies, held, (int)Math.Ceiling(held * 1.02) + 1);
            AssertBalanced(next);
            table = next;
        }
    }

    [Fact]
    public void PrimaryChangesOnJoinStayNearOneNth()
    {
        PartitionTable table = PartitionTable.Empty.Next(Names(10), 2);
        PartitionTable next = table.Next(Names(11), 2);
        int changed = Enumerable.Range(0, P).Count(p => table.PrimaryOf(p) != next.PrimaryOf(p));

        output.WriteLine($"primaries changed on join 10->11: {changed} of {P}");
        // The newcomer must take ~P/11 primaries; the rest may only shuffle within partitions whose owners changed.
        Assert.InRange(changed, P / 11, 2 * P / 11);
    }

    [Fact]
    public void DefaultIsTwoOwnersPerPartition()
    {
        PartitionTable table = PartitionTable.Empty.Next(Names(3));

        Assert.Equal(2, table.ReplicaCount);
        Assert.All(Enumerable.Range(0, P), p => Assert.Equal(2, table.OwnersOf(p).Count));
    }

    [Fact]
    public void NoMembersGivesNoOwners()
    {
        PartitionTable table = PartitionTable.Empty.Next(Names(3), 2).Next([], 2);

        Assert.All(Enumerable.Range(0, P), p => Assert.Null(table.PrimaryOf(p)));
    }

    private static void AssertBalanced(PartitionTable table)
    {
        int n = table.Members.Count;
        double meanOwned = (double)P * table.ReplicaCount / n;
        double meanPrimary = (double)P / n;
        foreach ((string member, (int owned, int primary)) in table.Load())
        {
            Assert.True(Math.Abs(owned - meanOwned) <= 0.10 * meanOwned, $"{member} owns {owned}, mean {meanOwned:F1}, n={n}");
            Assert.True(Math.Abs(primary - meanPrimary) <= 0.10 * meanPrimary, $"{member} is primary of {primary}, mean {meanPrimary:F1}, n={n}");
        }
    }
}

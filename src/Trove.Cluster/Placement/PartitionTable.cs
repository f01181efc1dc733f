namespace Trove.Cluster.Placement;

/// <summary>
/// Who owns each partition: for each of the <see cref="PartitionCount"/> partitions an ordered owner list, the primary
/// first, then the replicas. Immutable; a newer table has a higher <see cref="Version"/>. Every node that computes
/// <see cref="Next"/> from the same table and the same member set gets the same table (see <see cref="PartitionPlanner"/>).
/// </summary>
public sealed class PartitionTable
{
    /// <summary>The fixed partition count, the engine's (src/Trove.Storage, KeyPartitioner: top 10 bits of XXH64).</summary>
    public const int PartitionCount = 1024;

    /// <summary>Owners per partition unless configured otherwise: each key on two nodes when there are two or more.</summary>
    public const int DefaultReplicaCount = 2;

    private readonly string[][] _owners;

    internal PartitionTable(long version, int replicaCount, IReadOnlyList<string> members, string[][] owners)
    {
        Version = version;
        ReplicaCount = replicaCount;
        Members = members;
        _owners = owners;
    }

    /// <summary>Version 0: no members, no owners.</summary>
    public static PartitionTable Empty { get; } = new(0, 0, [], [.. Enumerable.Range(0, PartitionCount).Select(_ => Array.Empty<string>())]);

    /// <summary>Orders tables: the higher one was computed from the lower one, directly or not.</summary>
    public long Version { get; }

    /// <summary>Owners per partition this table was computed for (the configured count capped by the member count).</summary>
    public int ReplicaCount { get; }

    /// <summary>The members the table was computed from, in ordinal order.</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>Primary first, then replicas; empty only when there are no members.</summary>
    public IReadOnlyList<string> OwnersOf(int partition) => _owners[partition];

    public string? PrimaryOf(int partition) => _owners[partition] is [var primary, ..] ? primary : null;

    /// <summary>
    /// The table for <paramref name="members"/> (the live members, any order) with <paramref name="replicas"/> owners per
    /// partition, moving as few partition copies away from this table as balance allows.
    /// </summary>
    public PartitionTable Next(IEnumerable<string> members, int replicas = DefaultReplicaCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        string[] sorted = [.. members.Distinct().Order(StringComparer.Ordinal)];
        string[][] owners = PartitionPlanner.Plan(_owners, sorted, replicas);
        return new PartitionTable(Version + 1, Math.Min(replicas, sorted.Length), sorted, owners);
    }

    /// <summary>
    /// The table for <paramref name="members"/> planned from scratch, with the next version: it depends only on the
    /// member set, so nodes that see the same members agree without exchanging tables, at the price of moving more
    /// partitions on a change than <see cref="Next"/> (which keeps this table's owners where it can).
    /// </summary>
    public PartitionTable Rebuild(IEnumerable<string> members, int replicas = DefaultReplicaCount)
    {
        PartitionTable planned = Empty.Next(members, replicas);
        return new PartitionTable(Version + 1, planned.ReplicaCount, planned.Members, planned._owners);
    }

    /// <summary>Owner slots (partition, member) of <paramref name="next"/> that this table does not have: the copies a change costs.</summary>
    public int CopiesTo(PartitionTable next)
    {
        int copies = 0;
        for (int p = 0; p < PartitionCount; p++)
            copies += next._owners[p].Count(owner => Array.IndexOf(_owners[p], owner) < 0);
        return copies;
    }

    /// <summary>Partitions per member: all owned (primary or replica) and as primary.</summary>
    public Dictionary<string, (int Owned, int Primary)> Load()
    {
        var load = Members.ToDictionary(m => m, _ => (Owned: 0, Primary: 0));
        for (int p = 0; p < PartitionCount; p++)
        {
            for (int i = 0; i < _owners[p].Length; i++)
            {
                (int owned, int primary) = load[_owners[p][i]];
                load[_owners[p][i]] = (owned + 1, primary + (i == 0 ? 1 : 0));
            }
        }
        return load;
    }
}

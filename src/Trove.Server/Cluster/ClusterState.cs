using Trove.Cluster.Membership;
using Trove.Cluster.Placement;

namespace Trove.Server.Cluster;

/// <summary>One consistent view: the members as this node sees them and the partition table computed from the live ones.</summary>
public sealed record ClusterSnapshot(
    IReadOnlyList<Member> Members,
    PartitionTable Table,
    IReadOnlyDictionary<string, (int Owned, int Primary)> Load)
{
    /// <summary>Before the node has published anything (the instant between the listener and the membership starting).</summary>
    public static ClusterSnapshot None { get; } = new([], PartitionTable.Empty, new Dictionary<string, (int, int)>());

    /// <summary>Alive or suspect: still an owner. A suspect keeps its partitions so one lost probe does not move data.</summary>
    public static bool IsLive(Member member) => member.State is MemberState.Alive or MemberState.Suspect;
}

/// <summary>
/// The node's current <see cref="ClusterSnapshot"/>, replaced as a whole on every membership change (readers such as
/// stats take one reference and see a consistent view). The table is rebuilt only when the live member set changes,
/// so its version counts ownership changes, not incarnation bumps. No routing reads it yet.
/// </summary>
public sealed class ClusterState(string clusterName, int replicas, bool gossip)
{
    private readonly Lock _gate = new();
    private ClusterSnapshot _current = ClusterSnapshot.None;

    public string ClusterName { get; } = clusterName;

    /// <summary>Configured owners per partition (the table caps it by the member count).</summary>
    public int Replicas { get; } = replicas;

    /// <summary>Whether membership runs (--gossip-port); false: a single node that owns everything.</summary>
    public bool Gossip { get; } = gossip;

    /// <summary>This node's name, once published.</summary>
    public string? LocalName { get; private set; }

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Publishes <paramref name="members"/> (this node's view, itself included); returns the new snapshot.</summary>
    public ClusterSnapshot Publish(string localName, IReadOnlyList<Member> members) => Publish(localName, members, out _);

    /// <summary>As <see cref="Publish(string, IReadOnlyList{Member})"/>; <paramref name="tableChanged"/> tells whether the live set changed.</summary>
    public ClusterSnapshot Publish(string localName, IReadOnlyList<Member> members, out bool tableChanged)
    {
        // Serialised so each snapshot is built from the one before (the table version counts up by one); the
        // caller makes sure views are published in the order they were read.
        lock (_gate)
        {
            LocalName = localName;
            ClusterSnapshot previous = _current;
            string[] live = [.. members.Where(ClusterSnapshot.IsLive).Select(m => m.Name).Order(StringComparer.Ordinal)];
            PartitionTable table = previous.Table.Members.SequenceEqual(live)
                ? previous.Table
                : previous.Table.Rebuild(live, Replicas);
            tableChanged = !ReferenceEquals(table, previous.Table);
            var load = tableChanged ? table.Load() : previous.Load;
            var next = new ClusterSnapshot([.. members.OrderBy(m => m.Name, StringComparer.Ordinal)], table, load);
            Volatile.Write(ref _current, next);
            return next;
        }
    }
}

using System.Buffers;
using System.Text;
using Trove.Cluster.Membership;
using Trove.Cluster.Placement;
using Trove.Protocol.Text;
using Trove.Server.Cluster;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// stats nodes (one group of lines per member, prefixed with its name, as Flare's stats nodes), stats cluster and
/// stats partitions.
/// Both read one <see cref="ClusterSnapshot"/>, so a reply never mixes two membership views. Not on a hot path:
/// allocating the names is fine here.
/// </summary>
internal static class ClusterStats
{
    public static void WriteNodes(ServerContext context, IBufferWriter<byte> output)
    {
        ClusterSnapshot snapshot = context.Cluster.Current;
        var stats = new StatWriter(output);
        foreach (Member member in snapshot.Members)
        {
            snapshot.Load.TryGetValue(member.Name, out (int Owned, int Primary) load);
            stats.Text(Name(member, "address"), member.Address.ToString());
            stats.Text(Name(member, "state"), StateName(member.State));
            stats.Number(Name(member, "incarnation"), member.Incarnation);
            stats.Number(Name(member, "partitions_primary"), (ulong)load.Primary);
            stats.Number(Name(member, "partitions_replica"), (ulong)(load.Owned - load.Primary));
        }
        output.Write(TextReplies.End);
    }

    public static void WriteCluster(ServerContext context, IBufferWriter<byte> output)
    {
        ClusterState cluster = context.Cluster;
        ClusterSnapshot snapshot = cluster.Current;
        var stats = new StatWriter(output);
        stats.Text("cluster_name"u8, cluster.ClusterName);
        stats.Text("node_name"u8, cluster.LocalName ?? "");
        stats.YesNo("gossip_enabled"u8, cluster.Gossip);
        stats.Number("members"u8, (ulong)snapshot.Table.Members.Count);
        stats.Number("members_known"u8, (ulong)snapshot.Members.Count);
        stats.Number("partitions"u8, PartitionTable.PartitionCount);
        stats.Number("replicas"u8, (ulong)cluster.Replicas);
        stats.Number("partition_table_version"u8, (ulong)snapshot.Table.Version);
        ClusterRouting? routing = context.Routing;
        // Partitions whose data is still being copied to a new owner (they switch owners when the copy is complete).
        stats.Number("migrations_in_progress"u8, (ulong)(routing?.Ownership.Moving ?? 0));
        if (routing is not null)
        {
            stats.Text("table_fingerprint"u8, routing.Ownership.TargetId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
            stats.Number("partitions_served"u8, (ulong)routing.Routes.LocalServes.Count(served => served));
            stats.Number("forwarded"u8, (ulong)routing.Forwarded);
            stats.Number("forward_failovers"u8, (ulong)routing.Failovers);
            stats.Number("forward_failures"u8, (ulong)routing.ForwardFailures);
            stats.Number("replication_sent"u8, (ulong)routing.ReplicationSent);
            stats.Number("replication_lost"u8, (ulong)routing.ReplicationLost);
            stats.Number("migration_partitions_copied"u8, (ulong)routing.Migrator.PartitionsCopied);
            stats.Number("migration_items_copied"u8, (ulong)routing.Migrator.ItemsCopied);
            stats.Number("migration_partitions_repaired"u8, (ulong)routing.Migrator.PartitionsRepaired);
            stats.Number("migration_partitions_owed"u8, (ulong)routing.Migrator.PartitionsOwed);
            stats.Number("migration_partitions_verified"u8, (ulong)routing.Migrator.PartitionsVerified);
            stats.Number("migration_bytes_copied"u8, (ulong)routing.Migrator.BytesCopied);
            stats.Number("migration_rate"u8, (ulong)routing.MigrationRate);
        }
        output.Write(TextReplies.End);
    }

    /// <summary>stats partitions: "STAT &lt;partition&gt; &lt;primary&gt;,&lt;replica&gt;..." for each of the 1024 partitions, in this node's table.</summary>
    public static void WritePartitions(ServerContext context, IBufferWriter<byte> output)
    {
        PartitionTable table = context.Cluster.Current.Table;
        var stats = new StatWriter(output);
        for (int partition = 0; partition < PartitionTable.PartitionCount; partition++)
            stats.Text(Encoding.ASCII.GetBytes(partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), string.Join(',', table.OwnersOf(partition)));
        output.Write(TextReplies.End);
    }

    public static string StateName(MemberState state) => state switch
    {
        MemberState.Alive => "alive",
        MemberState.Suspect => "suspect",
        MemberState.Dead => "dead",
        MemberState.Left => "left",
        _ => "unknown",
    };

    private static byte[] Name(Member member, string field) => Encoding.UTF8.GetBytes($"{member.Name}:{field}");
}

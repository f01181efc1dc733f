using Trove.Cluster;

namespace Trove.Server;

/// <summary>
/// Cluster settings of a node, as the user gives them ("Cluster:..." in configuration). <see cref="Cluster.ClusterSetup"/>
/// checks and resolves them into the membership protocol's <see cref="ClusterOptions"/>.
/// </summary>
public sealed class ClusterNodeOptions
{
    /// <summary>
    /// Port for membership gossip, UDP and TCP on the listen address. <remarks>Defaults to null: off, a single node.
    /// 0 picks a free port (tests).</remarks>
    /// </summary>
    public int? GossipPort { get; set; }

    /// <summary>Seeds to join, "host:port[,host:port...]"; retried until one answers. <remarks>Defaults to none: start a new cluster.</remarks></summary>
    public string? Join { get; set; }

    /// <summary>Name all members share; peers with another name are refused. <remarks>Defaults to "trove".</remarks></summary>
    public string ClusterName { get; set; } = "trove";

    /// <summary>Base64 AES key (16, 24 or 32 bytes) that encrypts and authenticates gossip. <remarks>Defaults to none.</remarks></summary>
    public string? ClusterKey { get; set; }

    /// <summary>File holding the base64 key instead of <see cref="ClusterKey"/> (keeps it out of the process list). <remarks>Defaults to none.</remarks></summary>
    public string? ClusterKeyFile { get; set; }

    /// <summary>
    /// Host peers use to reach this node. <remarks>Defaults to the listen address, or the first non-loopback IPv4
    /// address when listening on 0.0.0.0 or ::.</remarks>
    /// </summary>
    public string? Advertise { get; set; }

    /// <summary>Unique name of this node. <remarks>Defaults to "advertise-host:memcached-port".</remarks></summary>
    public string? NodeName { get; set; }

    /// <summary>Owners per partition, primary included. <remarks>Defaults to 2.</remarks></summary>
    public int Replicas { get; set; } = 2;

    /// <summary>A write is answered only once every replica has it. <remarks>Defaults to false: replicas are updated asynchronously.</remarks></summary>
    public bool SyncReplication { get; set; }

    /// <summary>
    /// Milliseconds a forwarded or replicated request may wait for another node before that node counts as unreachable
    /// and the next owner is tried. <remarks>Defaults to 1000.</remarks>
    /// </summary>
    public int PeerTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Bytes per second this node may send as partition copies when data moves (a join, a leave, a restart's
    /// catch-up), so rebalancing does not starve client traffic. <remarks>Defaults to 0: no limit.</remarks>
    /// </summary>
    public long MigrationRateBytes { get; set; }

    /// <summary>
    /// Timings of the membership protocol ("Cluster:Swim:ProbeInterval" = "00:00:01" and so on); its NodeName,
    /// ClusterName and SecretKey are ignored, the settings above win. <remarks>Defaults to memberlist's LAN profile.</remarks>
    /// </summary>
    public ClusterOptions Swim { get; set; } = new();

    /// <summary>Whether the node runs membership at all.</summary>
    public bool Enabled => GossipPort is not null;
}

namespace Trove.Cluster;

/// <summary>
/// Every setting of the membership protocol in one place. The defaults are memberlist's LAN profile
/// (DefaultLANConfig); tests use the same values because the simulated clock makes them free.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>This node's unique name. <remarks>Required.</remarks></summary>
    public string NodeName { get; set; } = "";

    /// <summary>
    /// This process's life (<see cref="Membership.Member.Generation"/>): must be higher than any earlier process under
    /// the same name used. <remarks>Defaults to the start time in Unix milliseconds.</remarks>
    /// </summary>
    public ulong Generation { get; set; } = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>
    /// Name every member of one cluster shares; a packet carrying another name is dropped (and logged once per
    /// sending host). <remarks>Defaults to "trove". At most 255 UTF-8 bytes.</remarks>
    /// </summary>
    public string ClusterName { get; set; } = "trove";

    /// <summary>
    /// Shared AES key (16, 24 or 32 bytes) with which every packet and stream is encrypted and authenticated
    /// (AES-GCM). Null: packets are sent in clear, still checked for the cluster name. <remarks>Defaults to null.</remarks>
    /// </summary>
    public byte[]? SecretKey { get; set; }

    /// <summary>
    /// Partitions of the key space. Fixed at <see cref="Placement.PartitionTable.PartitionCount"/> in this version (the
    /// table does not read it); it exists so the count is part of <see cref="Compatibility"/>, and a node of a version
    /// with another count (or a test faking one) is refused at join. <remarks>Defaults to 1024.</remarks>
    /// </summary>
    public int PartitionCount { get; set; } = Placement.PartitionTable.PartitionCount;

    /// <summary>Owners per partition (<c>--replicas</c>); part of <see cref="Compatibility"/>. <remarks>Defaults to 2.</remarks></summary>
    public int Replicas { get; set; } = Placement.PartitionTable.DefaultReplicaCount;

    /// <summary>
    /// The settings every member must share, as "key=value" pairs separated by spaces ("partitions=1024 replicas=2").
    /// Sent with every join and push-pull; a peer whose fingerprint differs is refused (docs/CLUSTER.md). Keys are
    /// only ever added, so an older node lacking one is refused with "unset" as its value.
    /// </summary>
    public string Compatibility => $"partitions={PartitionCount} replicas={Replicas}";

    /// <summary>Time between failure-detection probes; one member is probed per interval. <remarks>Defaults to 1 s.</remarks></summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for the direct ack before asking other members to probe indirectly. <remarks>Defaults to 500 ms.</remarks></summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Members asked to probe a target that did not answer directly. <remarks>Defaults to 3.</remarks></summary>
    public int IndirectChecks { get; set; } = 3;

    /// <summary>
    /// Suspicion timeout multiplier: a suspect with no confirmations is declared dead after
    /// SuspicionMaxTimeoutMult * SuspicionMult * log10(max(1, N)) * ProbeInterval, and with SuspicionMult - 2
    /// independent confirmations after SuspicionMult * log10(max(1, N)) * ProbeInterval.
    /// <remarks>Defaults to 4.</remarks>
    /// </summary>
    public int SuspicionMult { get; set; } = 4;

    /// <summary>Upper bound of the suspicion timeout as a multiple of its lower bound. <remarks>Defaults to 6.</remarks></summary>
    public int SuspicionMaxTimeoutMult { get; set; } = 6;

    /// <summary>A state change is piggybacked RetransmitMult * ceil(log10(N + 1)) times. <remarks>Defaults to 4.</remarks></summary>
    public int RetransmitMult { get; set; } = 4;

    /// <summary>Time between gossip rounds that send queued state changes. <remarks>Defaults to 200 ms.</remarks></summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Random members each gossip round goes to. <remarks>Defaults to 3.</remarks></summary>
    public int GossipNodes { get; set; } = 3;

    /// <summary>Time between full-state exchanges with one random member. <remarks>Defaults to 30 s.</remarks></summary>
    public TimeSpan PushPullInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for a push-pull or join exchange over the stream transport. <remarks>Defaults to 10 s.</remarks></summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest datagram sent; piggybacked state changes fill what the message leaves. <remarks>Defaults to 1400 bytes.</remarks></summary>
    public int MaxPacketSize { get; set; } = 1400;

    /// <summary>Throws when a setting is out of range; called by the node before it starts.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(NodeName) || System.Text.Encoding.UTF8.GetByteCount(NodeName) > 255)
            throw new ArgumentException("NodeName must be 1..255 UTF-8 bytes.");
        if (System.Text.Encoding.UTF8.GetByteCount(ClusterName) > 255)
            throw new ArgumentException("ClusterName must be at most 255 UTF-8 bytes.");
        if (SecretKey is { Length: not (16 or 24 or 32) })
            throw new ArgumentException("SecretKey must be 16, 24 or 32 bytes.");
        if (ProbeTimeout <= TimeSpan.Zero || ProbeInterval <= ProbeTimeout)
            throw new ArgumentException("ProbeTimeout must be positive and shorter than ProbeInterval.");
        if (GossipInterval <= TimeSpan.Zero || PushPullInterval <= TimeSpan.Zero || StreamTimeout <= TimeSpan.Zero)
            throw new ArgumentException("Intervals must be positive.");
        if (IndirectChecks < 0 || GossipNodes < 1 || SuspicionMult < 1 || SuspicionMaxTimeoutMult < 1 || RetransmitMult < 1)
            throw new ArgumentException("Counts and multipliers must be positive.");
        if (PartitionCount < 1 || Replicas < 1)
            throw new ArgumentException("PartitionCount and Replicas must be positive.");
        if (MaxPacketSize < 512 || MaxPacketSize > 65000)
            throw new ArgumentException("MaxPacketSize must be 512..65000.");
    }
}

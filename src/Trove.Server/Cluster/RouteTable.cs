using Trove.Cluster;

namespace Trove.Server.Cluster;

/// <summary>
/// Where requests go, as of one ownership state (immutable; <see cref="PartitionOwnership"/> publishes a new one on
/// every change and readers take one reference). Per partition: the serving owners (primary first), which requests
/// are routed to, and the members a write made here must be copied to: the serving and the target owners but this
/// node, so a partition being copied to its new owner also receives every write that lands during the copy.
/// </summary>
internal sealed class RouteTable
{
    /// <param name="local">This node's name.</param>
    /// <param name="serving">Per partition, the serving owners, primary first.</param>
    /// <param name="replicateTo">Per partition, the members a write made here is copied to.</param>
    /// <param name="addresses">Data-stream address of every live member.</param>
    /// <param name="awaitingJoin">
    /// A node started to join a cluster that has not found it yet: it serves nothing (every request goes through
    /// forwarding, which finds no owner), so nothing it answers can be undone by the copies it is about to receive.
    /// </param>
    public RouteTable(string local, string[][] serving, string[][] replicateTo, IReadOnlyDictionary<string, NodeAddress> addresses, bool awaitingJoin = false)
    {
        Local = local;
        Serving = serving;
        ReplicateTo = replicateTo;
        Addresses = addresses;
        LocalServes = new bool[serving.Length];
        LocalOwns = new bool[serving.Length];
        for (int p = 0; p < serving.Length && !awaitingJoin; p++)
        {
            LocalServes[p] = serving[p].Length == 0 || serving[p][0] == local;
            LocalOwns[p] = serving[p].Length == 0 || serving[p].Contains(local);
        }
        Solo = addresses.Count <= 1 && !awaitingJoin; // sessions skip routing when solo: a node awaiting its join must not
    }

    /// <summary>A node alone: everything is local and nothing is copied anywhere.</summary>
    public static RouteTable Alone(string local, int partitions) =>
        new(local, [.. Enumerable.Range(0, partitions).Select(_ => new[] { local })], [.. Enumerable.Range(0, partitions).Select(_ => Array.Empty<string>())],
            new Dictionary<string, NodeAddress>());

    /// <summary>A node started to join that has not found its cluster yet: it serves nothing, and is not solo.</summary>
    public static RouteTable AwaitingJoin(int partitions) =>
        new("", [.. Enumerable.Range(0, partitions).Select(_ => Array.Empty<string>())], [.. Enumerable.Range(0, partitions).Select(_ => Array.Empty<string>())],
            new Dictionary<string, NodeAddress>(), awaitingJoin: true);

    public string Local { get; }

    /// <summary>Per partition, the members that serve it now, primary first.</summary>
    public string[][] Serving { get; }

    /// <summary>Per partition, the other members a write executed here is replicated to.</summary>
    public string[][] ReplicateTo { get; }

    /// <summary>Per partition, whether this node is its serving primary (or nobody is): requests run here.</summary>
    public bool[] LocalServes { get; }

    /// <summary>
    /// Per partition, whether this node is one of its serving owners (primary or replica): a forwarded request for it
    /// may run here (a forwarder whose primary did not answer tries the next owner).
    /// </summary>
    public bool[] LocalOwns { get; }

    /// <summary>Data-stream address (the gossip address) of every live member.</summary>
    public IReadOnlyDictionary<string, NodeAddress> Addresses { get; }

    /// <summary>No other live member, and not waiting to join any: requests run here without routing.</summary>
    public bool Solo { get; }
}

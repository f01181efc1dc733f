using Microsoft.Extensions.Logging;
using Trove.Cluster;

namespace Trove.Server.Hosting;

/// <summary>
/// Log messages of the node's side of membership. Member state changes are logged by the membership protocol itself
/// (Trove.Cluster's ClusterLog, event 101), once each, so they are not repeated here.
/// </summary>
internal static partial class NodeClusterLog
{
    [LoggerMessage(20, LogLevel.Information, "Gossiping for cluster {Cluster} as {Name} at {Address}")]
    public static partial void Started(ILogger logger, string cluster, string name, NodeAddress address);

    [LoggerMessage(21, LogLevel.Information, "Joined cluster {Cluster} with {Count} members: {Members}")]
    public static partial void Joined(ILogger logger, string cluster, int count, string members);

    [LoggerMessage(22, LogLevel.Information, "Joining cluster {Cluster} through {Seeds}; retrying until a seed answers")]
    public static partial void Joining(ILogger logger, string cluster, string seeds);

    [LoggerMessage(23, LogLevel.Information, "Partition table version {Version}: {Members} live members, this node primary for {Primary} and replica for {Replica} of {Partitions} partitions")]
    public static partial void TableChanged(ILogger logger, long version, int members, int primary, int replica, int partitions);

    [LoggerMessage(24, LogLevel.Information, "Leaving cluster {Cluster}")]
    public static partial void Leaving(ILogger logger, string cluster);

    [LoggerMessage(26, LogLevel.Information, "Handed over {Partitions} partitions to the owners they have without this node")]
    public static partial void HandedOver(ILogger logger, int partitions);
}

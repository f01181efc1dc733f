using Microsoft.Extensions.Logging;

namespace Trove.Cluster.Membership;

/// <summary>Source-generated log messages of the membership protocol. Refused packets are logged once per sending host and reason.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(100, LogLevel.Warning, "Dropped a packet from {From}: {Reason} (logged once per sending host and reason)")]
    public static partial void PacketRefused(ILogger logger, NodeAddress from, string reason);

    [LoggerMessage(101, LogLevel.Information, "Member {Name} at {Address} is now {State} (incarnation {Incarnation})")]
    public static partial void MemberChanged(ILogger logger, string name, NodeAddress address, MemberState state, uint incarnation);

    [LoggerMessage(102, LogLevel.Warning, "Refuting a {Accusation} about this node (incarnation {Incarnation})")]
    public static partial void Refuting(ILogger logger, string accusation, uint incarnation);

    [LoggerMessage(103, LogLevel.Warning, "Member {Name} claims address {Claimed} but is alive at {Known}; ignored")]
    public static partial void AddressConflict(ILogger logger, string name, NodeAddress claimed, NodeAddress known);

    [LoggerMessage(104, LogLevel.Information, "Joined the cluster through {Seed}")]
    public static partial void Joined(ILogger logger, NodeAddress seed);

    [LoggerMessage(105, LogLevel.Error, "Handling a message from {From} (or a timer round, when From is this node) failed")]
    public static partial void HandlerFailed(ILogger logger, NodeAddress from, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "Seed {Seed} did not answer the join (unreachable, refused or timed out); retrying every {Interval} until a seed answers (logged once per seed)")]
    public static partial void SeedUnanswered(ILogger logger, NodeAddress seed, TimeSpan interval);

    [LoggerMessage(107, LogLevel.Error, "Refused by {Peer} ({Name}): {Reason}; nothing merged, and a seed that refuses is not asked again (logged once per peer and reason)")]
    public static partial void RefusedBy(ILogger logger, NodeAddress peer, string name, string reason);

    [LoggerMessage(108, LogLevel.Error, "Refused {Name} at {From}: {Reason}; its state is not merged and it is not a member (logged once per node and reason)")]
    public static partial void RefusedPeer(ILogger logger, string name, NodeAddress from, string reason);
}

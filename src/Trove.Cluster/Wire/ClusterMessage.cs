using Trove.Cluster.Membership;

namespace Trove.Cluster.Wire;

/// <summary>Message kinds. Values are sent on the wire: append only, never renumber.</summary>
internal enum MessageType : byte
{
    Ping = 1,
    IndirectPing = 2,
    Ack = 3,
    Alive = 4,
    Suspect = 5,
    Dead = 6,
    PushPull = 7,
    Settings = 8,
    Refused = 9,
}

/// <summary>One message of a packet or stream; a packet carries one or more (a probe plus piggybacked gossip).</summary>
internal abstract record ClusterMessage
{
    public abstract MessageType Type { get; }
}

/// <summary>Direct probe: "are you <see cref="Target"/>? ack <see cref="Seq"/> to me".</summary>
internal sealed record PingMessage(uint Seq, string Target, string Source, NodeAddress SourceAddress) : ClusterMessage
{
    public override MessageType Type => MessageType.Ping;
}

/// <summary>Asks the receiver to probe <see cref="Target"/> and relay its ack (with <see cref="Seq"/>) to the source.</summary>
internal sealed record IndirectPingMessage(uint Seq, string Target, NodeAddress TargetAddress, string Source, NodeAddress SourceAddress)
    : ClusterMessage
{
    public override MessageType Type => MessageType.IndirectPing;
}

/// <summary>Answer to a ping (direct or relayed).</summary>
internal sealed record AckMessage(uint Seq) : ClusterMessage
{
    public override MessageType Type => MessageType.Ack;
}

/// <summary>
/// Gossip: <see cref="Node"/> is alive at <see cref="Incarnation"/> of its life <see cref="Generation"/> (see
/// <see cref="Member.Generation"/>). Every message about a member carries both; (generation, incarnation) compared in
/// that order is the member's version.
/// </summary>
internal sealed record AliveMessage(uint Incarnation, string Node, NodeAddress Address, ulong Generation = 0) : ClusterMessage
{
    public override MessageType Type => MessageType.Alive;
}

/// <summary>Gossip: <see cref="From"/> suspects <see cref="Node"/> at <see cref="Incarnation"/>.</summary>
internal sealed record SuspectMessage(uint Incarnation, string Node, string From, ulong Generation = 0) : ClusterMessage
{
    public override MessageType Type => MessageType.Suspect;
}

/// <summary>Gossip: <see cref="Node"/> is dead; when <see cref="From"/> is the node itself it left gracefully.</summary>
internal sealed record DeadMessage(uint Incarnation, string Node, string From, ulong Generation = 0) : ClusterMessage
{
    public override MessageType Type => MessageType.Dead;
}

/// <summary>Full state, sent on join and periodically over the stream transport; the answer is the peer's full state.</summary>
internal sealed record PushPullMessage(bool Join, IReadOnlyList<Member> Members) : ClusterMessage
{
    public override MessageType Type => MessageType.PushPull;
}

/// <summary>
/// Leads every stream request and reply: who sends it and its <see cref="ClusterOptions.Compatibility"/>, which must equal
/// the receiver's for the push-pull that follows to be merged.
/// </summary>
internal sealed record SettingsMessage(string Node, string Compatibility) : ClusterMessage
{
    public override MessageType Type => MessageType.Settings;
}

/// <summary>
/// A stream reply in place of the push-pull: the requester was refused and nothing it sent was merged.
/// <see cref="Reason"/> is written for the requester ("replicas differ (this node 3, cluster 2)").
/// </summary>
internal sealed record RefusedMessage(string Reason) : ClusterMessage
{
    public override MessageType Type => MessageType.Refused;
}

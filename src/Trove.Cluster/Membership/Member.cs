namespace Trove.Cluster.Membership;

/// <summary>An immutable snapshot of one member as the local node sees it.</summary>
public sealed record Member(string Name, NodeAddress Address, uint Incarnation, MemberState State);

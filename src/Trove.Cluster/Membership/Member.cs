namespace Trove.Cluster.Membership;

/// <summary>An immutable snapshot of one member as the local node sees it.</summary>
/// <param name="Name">The member's unique name (its --node-name).</param>
/// <param name="Address">Where its gossip is received.</param>
/// <param name="Incarnation">Raised by the member to refute a suspicion or death notice.</param>
/// <param name="State">Alive, suspect, dead or left.</param>
/// <param name="Generation">
/// Which life of the member this is: a value the process picks when it starts (its start time in Unix milliseconds),
/// higher on every restart. A member that restarts under the same name is a new life: everything known about an older
/// generation is superseded at once, whatever its incarnation, so the cluster sees the restart (the new process has
/// not got the old one's data in memory, or has only what its log kept) instead of mistaking it for the old process.
/// </param>
public sealed record Member(string Name, NodeAddress Address, uint Incarnation, MemberState State, ulong Generation = 0);

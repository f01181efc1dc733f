namespace Trove.Cluster.Membership;

/// <summary>The mutable record of one member inside <see cref="SwimNode"/>; only touched under the node's lock.</summary>
internal sealed class MemberEntry(string name, NodeAddress address)
{
    public string Name { get; } = name;
    public NodeAddress Address { get; set; } = address;
    public uint Incarnation { get; set; }
    public ulong Generation { get; set; }
    public MemberState State { get; set; } = MemberState.Dead;

    /// <summary>Non-null exactly while <see cref="State"/> is Suspect.</summary>
    public Suspicion? Suspicion { get; set; }

    public bool IsLive => State is MemberState.Alive or MemberState.Suspect;

    public Member Snapshot() => new(Name, Address, Incarnation, State, Generation);

    /// <summary>Compares a message's (generation, incarnation) with this entry's: negative when the message is older.</summary>
    public int CompareVersion(ulong generation, uint incarnation) =>
        generation != Generation ? generation.CompareTo(Generation) : incarnation.CompareTo(Incarnation);
}

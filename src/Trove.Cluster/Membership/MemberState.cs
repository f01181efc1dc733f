namespace Trove.Cluster.Membership;

/// <summary>What the local node believes about a member. Values are sent on the wire: append only.</summary>
public enum MemberState : byte
{
    /// <summary>Answers probes (or has not been suspected since its last alive message).</summary>
    Alive = 0,

    /// <summary>Missed a probe; declared dead when its suspicion times out unless it refutes.</summary>
    Suspect = 1,

    /// <summary>Was suspected and did not refute in time.</summary>
    Dead = 2,

    /// <summary>Announced that it leaves (a dead message sent by the member about itself).</summary>
    Left = 3,
}

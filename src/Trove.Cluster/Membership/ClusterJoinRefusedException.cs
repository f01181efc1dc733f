namespace Trove.Cluster.Membership;

/// <summary>One seed's refusal of this node, with the reason it gave ("replicas differ (this node 3, cluster 2)").</summary>
public sealed record JoinRefusal(NodeAddress Seed, string Reason);

/// <summary>
/// What <see cref="SwimNode.JoinAsync"/> faults with when every seed refused this node because its settings
/// (<see cref="ClusterOptions.Compatibility"/>) differ from the cluster's. Retrying cannot help: the settings must change.
/// </summary>
public sealed class ClusterJoinRefusedException(IReadOnlyList<JoinRefusal> refusals)
    : Exception("Every seed refused this node: " + string.Join("; ", refusals.Select(r => $"{r.Seed}: {r.Reason}")))
{
    public IReadOnlyList<JoinRefusal> Refusals { get; } = refusals;
}

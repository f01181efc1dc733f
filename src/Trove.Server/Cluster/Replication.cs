namespace Trove.Server.Cluster;

/// <summary>
/// Per-thread replication bookkeeping. Writes that arrive as replication or migration must not be replicated again
/// (two nodes that briefly disagree about a partition would send a write back and forth), so the code applying them
/// runs inside <see cref="Suppress"/>. Requests run synchronously on one thread from parse to reply, so a thread-static
/// flag marks exactly the writes of that request.
/// </summary>
internal static class Replication
{
    [ThreadStatic]
    private static int t_suppressed;

    [ThreadStatic]
    private static int t_queued;

    public static bool Suppressed => t_suppressed > 0;

    public static SuppressionScope Suppress()
    {
        t_suppressed++;
        return new SuppressionScope();
    }

    /// <summary>Counts a record queued for a replica by this thread (see <see cref="TakeQueued"/>).</summary>
    public static void NoteQueued() => t_queued++;

    /// <summary>Whether this thread queued replication since the last call: the connection must wait for acks under --sync-replication.</summary>
    public static bool TakeQueued()
    {
        bool any = t_queued > 0;
        t_queued = 0;
        return any;
    }

    public readonly struct SuppressionScope : IDisposable
    {
        public void Dispose() => t_suppressed--;
    }
}

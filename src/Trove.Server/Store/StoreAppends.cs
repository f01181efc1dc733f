namespace Trove.Server.Store;

/// <summary>
/// Per-thread record of the last log append a request made. A batch of requests runs synchronously on one thread
/// from parse to reply (as <see cref="Cluster.Replication"/> relies on too), so the connection handler takes this
/// right after the batch and waits for it before flushing the replies.
/// </summary>
/// <remarks>
/// Waiting for the last task is enough: the writer completes batches in append order, and once one batch fails
/// every later one fails too (its failed state is permanent), so the last task succeeds only if all earlier did.
/// </remarks>
internal static class StoreAppends
{
    [ThreadStatic]
    private static Task? t_last;

    /// <summary>Called by the observer, under the partition lock, with the task AppendAsync returned.</summary>
    public static void Note(Task append) => t_last = append;

    /// <summary>The last append of this thread since the previous call, or null when it appended nothing.</summary>
    public static Task? Take()
    {
        Task? last = t_last;
        t_last = null;
        return last;
    }
}

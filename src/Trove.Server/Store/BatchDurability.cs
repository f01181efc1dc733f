using Trove.Server.Cluster;
using Trove.Server.Memcache;

namespace Trove.Server.Store;

/// <summary>
/// What a batch of requests waits for before its replies are sent: the log records it appended (store mode; fsynced
/// under <c>--fsync always</c>) and, under <c>--sync-replication</c>, the acknowledgements of the replicas its writes
/// were queued for. One rule for client connections and for node-to-node streams, so a forwarded or replicated write
/// is answered on the same terms as one a client sent here: with store mode on every node, sync replication and
/// fsync always, an acknowledged write is on the disk of every live owner.
/// </summary>
/// <remarks>
/// Both marks are thread-static (<see cref="StoreAppends"/>, <see cref="Replication"/>): a batch runs synchronously on
/// one thread from parse to reply, so <see cref="Take"/> must be called right after the batch, before any await.
/// </remarks>
internal static class BatchDurability
{
    /// <summary>
    /// Takes this thread's marks and returns the wait: true once everything is durable, false when the log failed
    /// (the replies must not be sent: they may acknowledge writes that are not logged). Completed at once when the
    /// batch wrote nothing that needs waiting for.
    /// </summary>
    public static ValueTask<bool> Take(ServerContext context)
    {
        Task? appended = StoreAppends.Take();
        bool replicated = Replication.TakeQueued();
        NodeStore? store = context.Store;
        Task? replicas = replicated && context.Routing is { SyncReplication: true } routing ? routing.WaitForReplicasAsync() : null;
        if ((appended is null || store is null || appended.IsCompletedSuccessfully) && (replicas is null || replicas.IsCompleted))
            return ValueTask.FromResult(appended is null || store is null || appended.IsCompletedSuccessfully);
        return WaitAsync(appended, store, replicas);
    }

    private static async ValueTask<bool> WaitAsync(Task? appended, NodeStore? store, Task? replicas)
    {
        if (appended is not null && store is not null)
        {
            try
            {
                await appended;
            }
            catch (IOException ex)
            {
                store.NoteWriteFailed(ex);
                return false;
            }
        }
        if (replicas is not null)
            await replicas;
        return true;
    }
}

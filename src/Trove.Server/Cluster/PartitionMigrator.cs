using Microsoft.Extensions.Logging;
using Trove.Server.Cluster.Peers;
using Trove.Storage;

namespace Trove.Server.Cluster;

/// <summary>
/// Copies the partitions this node owes (<see cref="PartitionOwnership.Duties"/>) to their new owners, one partition at a
/// time, in the background while requests continue. The copy of an item is queued on the same ordered replication
/// stream as the writes (while the partition lock is held), so for each key the new owner sees the copy and later
/// writes in the order they happened; copies are applied as add, so a copy never undoes a newer write. When the new
/// owners have acknowledged a partition, every member is told (MigrationDone) and routes to them.
/// </summary>
internal sealed class PartitionMigrator(ClusterRouting routing, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _kick = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _partitionsCopied, _itemsCopied;

    public long PartitionsCopied => Interlocked.Read(ref _partitionsCopied);
    public long ItemsCopied => Interlocked.Read(ref _itemsCopied);

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Ownership changed: look for copies owed.</summary>
    public void Kick()
    {
        try
        {
            if (_kick.CurrentCount == 0)
                _kick.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already kicked.
        }
    }

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _kick.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                routing.Drop(routing.Ownership.ExpireStalled());
                await CopyOwedAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                MigrationLog.Failed(logger, ex);
            }
        }
    }

    private async Task CopyOwedAsync(CancellationToken stop)
    {
        (ulong targetId, List<(int Partition, string[] Newcomers)> duties) = routing.Ownership.Duties();
        if (duties.Count == 0)
            return;
        long items = 0;
        foreach ((int partition, string[] newcomers) in duties)
        {
            if (stop.IsCancellationRequested || routing.Ownership.TargetId != targetId)
                return; // the table moved on; the next pass works from the new one
            items += await CopyAsync(partition, newcomers).ConfigureAwait(false);
            await AnnounceAsync(targetId, partition).ConfigureAwait(false);
            routing.MigrationDone(partition, targetId);
            Interlocked.Increment(ref _partitionsCopied);
            RoutingLog.Copied(logger, partition, items, string.Join(",", newcomers));
        }
        RoutingLog.MovementFinished(logger, duties.Count, items);
    }

    /// <summary>Queues a copy of every live item of the partition for each newcomer and waits until they have it.</summary>
    private async Task<long> CopyAsync(int partition, string[] newcomers)
    {
        var queues = newcomers.Select(routing.QueueFor).ToArray();
        var visitor = new CopyVisitor(queues);
        routing.Context.Engine.ForEachInPartition(partition, ref visitor);
        Interlocked.Add(ref _itemsCopied, visitor.Count);
        await Task.WhenAll(queues.Select(q => q.WaitForQueuedAsync())).ConfigureAwait(false);
        return visitor.Count;
    }

    /// <summary>Tells every other live member the partition now has its target owners.</summary>
    private async Task AnnounceAsync(ulong targetId, int partition)
    {
        byte[] payload = ClusterRouting.DonePayload(targetId, partition);
        RouteTable routes = routing.Routes;
        var sends = routes.Addresses.Keys.Where(m => m != routes.Local).Select(async member =>
        {
            try
            {
                await routing.SendTo(member, payload).ConfigureAwait(false);
            }
            catch (PeerUnavailableException)
            {
                // A member that misses it switches after the migration timeout, or is gone.
            }
        });
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private struct CopyVisitor(ReplicationQueue[] queues) : IItemReader
    {
        public long Count;

        public void Read(in ItemView item)
        {
            foreach (ReplicationQueue queue in queues)
                queue.AppendStore(in item, copy: true);
            Count++;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
    }
}

internal static partial class MigrationLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Copying partitions failed; retrying on the next change")]
    public static partial void Failed(ILogger logger, Exception exception);
}

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
    private long _partitionsCopied, _itemsCopied, _repaired;

    /// <summary>Partitions switched by the stall repair rather than by their copier.</summary>
    public long PartitionsRepaired => Interlocked.Read(ref _repaired);

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
                await RepairStalledAsync(stop).ConfigureAwait(false);
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
            long copied = await CopyAndAnnounceAsync(partition, newcomers, targetId).ConfigureAwait(false);
            routing.MigrationDone(partition, targetId);
            items += copied;
            Interlocked.Increment(ref _partitionsCopied);
            RoutingLog.Copied(logger, partition, copied, string.Join(",", newcomers));
        }
        RoutingLog.MovementFinished(logger, duties.Count, items);
    }

    /// <summary>
    /// Partitions nobody has finished copying <see cref="PartitionOwnership.RepairAfter"/> after the table changed:
    /// this node copies whatever it holds of each to the target owners (copies are adds, so several holders doing it
    /// is harmless), then switches and tells the others. Nodes whose views drifted apart (each waiting for another to
    /// copy) thereby converge on the target owners with all the data any of them held.
    /// </summary>
    private async Task RepairStalledAsync(CancellationToken stop)
    {
        (ulong targetId, List<(int Partition, string[] Targets)> stalled) = routing.Ownership.Stalled();
        if (stalled.Count == 0)
            return;
        long items = 0;
        foreach ((int partition, string[] targets) in stalled)
        {
            if (stop.IsCancellationRequested || routing.Ownership.TargetId != targetId)
                return;
            string[] copyTo = routing.Context.Engine.CountPartition(partition) > 0 ? targets : [];
            items += await CopyAndAnnounceAsync(partition, copyTo, targetId).ConfigureAwait(false);
            routing.MigrationDone(partition, targetId);
        }
        Interlocked.Add(ref _repaired, stalled.Count);
        MigrationLog.Repaired(logger, stalled.Count, items);
    }

    /// <summary>
    /// Copies the partition to <paramref name="newcomers"/> (none: nothing to copy), then tells every other live member
    /// it is done for <paramref name="targetId"/>. Returns the items copied.
    /// </summary>
    private async Task<long> CopyAndAnnounceAsync(int partition, string[] newcomers, ulong targetId)
    {
        long copied = newcomers.Length > 0 ? await CopyAsync(partition, newcomers).ConfigureAwait(false) : 0;
        await AnnounceAsync(targetId, partition).ConfigureAwait(false);
        return copied;
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

    /// <summary>
    /// Before a graceful leave: copies every partition this node serves to the owners it will have without this node,
    /// and tells every member the partition is done for that table, so when they see the leave they switch to the
    /// new owners at once, with the data already there. Returns the number of partitions handed over.
    /// </summary>
    public async Task<int> HandOverAsync(CancellationToken stop)
    {
        RouteTable routes = routing.Routes;
        string[] others = [.. routes.Addresses.Keys.Where(m => m != routes.Local)];
        if (others.Length == 0)
            return 0;
        int replicas = routing.Ownership.Replicas;
        Trove.Cluster.Placement.PartitionTable next = Trove.Cluster.Placement.PartitionTable.Empty.Rebuild(others, replicas);
        ulong targetId = PartitionOwnership.Fingerprint(next.Members, replicas);
        int handed = 0;
        for (int p = 0; p < routes.Serving.Length && !stop.IsCancellationRequested; p++)
        {
            if (!routes.Serving[p].Contains(routes.Local))
                continue;
            string[] newcomers = [.. next.OwnersOf(p).Where(m => !routes.Serving[p].Contains(m))];
            await CopyAndAnnounceAsync(p, newcomers, targetId).ConfigureAwait(false);
            handed++;
        }
        return handed;
    }

    public void Dispose()
    {
        _stop.Cancel();
        // The loop reads the engine: it must be done before the node disposes it.
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // It ended with an error it already logged.
        }
    }
}

internal static partial class MigrationLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Copying partitions failed; retrying on the next change")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Partitions} partitions were still moving long after the table changed: copied what this node holds of them ({Items} items) to their owners and switched")]
    public static partial void Repaired(ILogger logger, int partitions, long items);
}

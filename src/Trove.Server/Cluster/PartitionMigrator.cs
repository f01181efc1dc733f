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
    /// <summary>Partitions per copy round trip.</summary>
    internal const int ChunkPartitions = 128;

    /// <summary>Item bytes per copy round trip, at most.</summary>
    internal const long ChunkBytes = 4L << 20;

    private long _partitionsCopied, _itemsCopied, _bytesCopied, _repaired, _owed, _verified;

    /// <summary>Partitions switched by the stall repair rather than by their copier.</summary>
    public long PartitionsRepaired => Interlocked.Read(ref _repaired);

    public long PartitionsCopied => Interlocked.Read(ref _partitionsCopied);
    public long ItemsCopied => Interlocked.Read(ref _itemsCopied);

    /// <summary>Key and value bytes sent as copies, times the newcomers they went to.</summary>
    public long BytesCopied => Interlocked.Read(ref _bytesCopied);

    /// <summary>Partition copies not made because the newcomer's digest already equalled this node's.</summary>
    public long PartitionsVerified => Interlocked.Read(ref _verified);

    /// <summary>Partitions of the current pass this node still has to copy (0 when it owes none).</summary>
    public long PartitionsOwed => Interlocked.Read(ref _owed);

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
        Interlocked.Exchange(ref _owed, duties.Count);
        long items = 0;
        foreach (List<(int Partition, string[] Newcomers)> chunk in Chunks(duties))
        {
            if (stop.IsCancellationRequested || routing.Ownership.TargetId != targetId)
                break; // the table moved on; the next pass works from the new one
            long copied = await CopyAndAnnounceAsync(chunk, targetId, replace: true, stop).ConfigureAwait(false);
            if (copied < 0)
            {
                MigrationLog.CopyFailed(logger, chunk.Count);
                Interlocked.Exchange(ref _owed, 0);
                return; // a newcomer did not get it: nothing switched; the next pass (within a second) copies again
            }
            items += copied;
            Interlocked.Add(ref _partitionsCopied, chunk.Count);
            Interlocked.Add(ref _owed, -chunk.Count);
            RoutingLog.Copied(logger, chunk.Count, copied);
        }
        Interlocked.Exchange(ref _owed, 0);
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
        var held = stalled.Select(s => (s.Partition, routing.Context.Engine.CountPartition(s.Partition) > 0 ? s.Targets : [])).ToList();
        foreach (List<(int Partition, string[] Newcomers)> chunk in Chunks(held))
        {
            if (stop.IsCancellationRequested || routing.Ownership.TargetId != targetId)
                return;
            long copied = await CopyAndAnnounceAsync(chunk, targetId, replace: false, stop).ConfigureAwait(false);
            if (copied < 0)
                return;
            items += copied;
        }
        Interlocked.Add(ref _repaired, stalled.Count);
        MigrationLog.Repaired(logger, stalled.Count, items);
    }

    /// <summary>
    /// Groups partitions so that one round trip (copy, acknowledgement, announcement) covers many of them: a cluster
    /// of mostly small partitions would otherwise move at one partition per round trip (with --fsync always, per
    /// fsync of the receiver). A chunk ends at <see cref="ChunkPartitions"/> partitions or about
    /// <see cref="ChunkBytes"/> of item bytes (fewer under a low --migration-rate, so the pacing stays smooth).
    /// </summary>
    private IEnumerable<List<(int Partition, string[] Newcomers)>> Chunks(List<(int Partition, string[] Newcomers)> partitions)
    {
        long limit = routing.MigrationRate > 0 ? Math.Clamp(routing.MigrationRate / 4, 64 * 1024, ChunkBytes) : ChunkBytes;
        var chunk = new List<(int, string[])>();
        long bytes = 0;
        foreach ((int partition, string[] newcomers) in partitions)
        {
            chunk.Add((partition, newcomers));
            bytes += newcomers.Length > 0 ? routing.Context.Engine.PartitionBytes(partition) : 0;
            if (chunk.Count >= ChunkPartitions || bytes >= limit)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
        }
        if (chunk.Count > 0)
            yield return chunk;
    }

    /// <summary>
    /// Copies each partition of <paramref name="chunk"/> to its newcomers (none: nothing to copy), waits until they
    /// have all of it, switches locally and tells every other live member the partitions are done for
    /// <paramref name="targetId"/>; then waits as long as --migration-rate asks for the bytes sent. Returns the items
    /// copied, or -1 when a newcomer did not get all of it (unreachable, or it went away): then nothing is switched or
    /// announced, since a partition's ownership may switch only once its new owners hold all of it.
    /// <paramref name="replace"/>: this node is each partition's one copier, so the newcomers first drop what
    /// they hold of it (a restarted node's stale data, keys deleted while it was away); the stall repair, where
    /// several holders copy, only adds.
    /// </summary>
    private async Task<long> CopyAndAnnounceAsync(List<(int Partition, string[] Newcomers)> chunk, ulong targetId, bool replace, CancellationToken stop)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var queues = new Dictionary<ReplicationQueue, long>(); // each newcomer's queue, and its position before the copy
        if (replace && !await VerifyAsync(chunk, queues).ConfigureAwait(false))
            return -1;
        long items = 0, bytes = 0;
        foreach ((int partition, string[] all) in chunk)
        {
            // Newcomers whose digest equalled this node's (a restarted node whose log has the partition as it is) need
            // no copy: they hold what this node held when the digest was queued, and every later write follows it.
            string[] newcomers = replace ? [.. all.Where(m => routing.QueueFor(m).Differs(partition))] : all;
            if (newcomers.Length < all.Length)
                Interlocked.Add(ref _verified, all.Length - newcomers.Length);
            if (newcomers.Length == 0)
                continue;
            ReplicationQueue[] targets = [.. newcomers.Select(routing.QueueFor)];
            foreach (ReplicationQueue queue in targets)
                queues.TryAdd(queue, queue.Position);
            if (replace)
            {
                foreach (ReplicationQueue queue in targets)
                    queue.AppendCopyBegin(partition);
            }
            var visitor = new CopyVisitor(targets);
            routing.Context.Engine.ForEachInPartition(partition, ref visitor);
            items += visitor.Count;
            bytes += visitor.Bytes;
        }
        Interlocked.Add(ref _itemsCopied, items);
        Interlocked.Add(ref _bytesCopied, bytes);
        await Task.WhenAll(queues.Keys.Select(q => q.WaitForQueuedAsync())).ConfigureAwait(false);
        if (queues.Any(q => q.Key.LostSince(q.Value)))
            return -1;
        int[] partitions = [.. chunk.Select(c => c.Partition)];
        routing.MigrationDone(partitions, targetId);
        await AnnounceAsync(targetId, partitions).ConfigureAwait(false);
        await PaceAsync(bytes, started, stop).ConfigureAwait(false);
        return items;
    }

    /// <summary>
    /// Queues this node's digest of each partition of the chunk for its newcomers and waits for their verdicts
    /// (<see cref="ReplicationQueue.Differs"/>). False when one did not get them (the chunk is retried later).
    /// </summary>
    private async Task<bool> VerifyAsync(List<(int Partition, string[] Newcomers)> chunk, Dictionary<ReplicationQueue, long> queues)
    {
        foreach ((int partition, string[] newcomers) in chunk)
        {
            if (newcomers.Length == 0)
                continue;
            ReplicationQueue[] targets = [.. newcomers.Select(routing.QueueFor)];
            foreach (ReplicationQueue queue in targets)
                queues.TryAdd(queue, queue.Position);
            routing.Context.Engine.DigestPartition(partition, digest =>
            {
                foreach (ReplicationQueue queue in targets)
                    queue.AppendVerify(partition, digest);
            });
        }
        await Task.WhenAll(queues.Keys.Select(q => q.WaitForQueuedAsync())).ConfigureAwait(false);
        return !queues.Any(q => q.Key.LostSince(q.Value));
    }

    /// <summary>--migration-rate: after sending <paramref name="bytes"/>, waits until they have taken their share of the budget.</summary>
    private async Task PaceAsync(long bytes, long started, CancellationToken stop)
    {
        long rate = routing.MigrationRate;
        if (rate <= 0 || bytes == 0)
            return;
        TimeSpan due = TimeSpan.FromSeconds((double)bytes / rate) - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (due > TimeSpan.Zero)
            await Task.Delay(due, stop).ConfigureAwait(false);
    }

    /// <summary>Tells every other live member the partitions now have their target owners.</summary>
    private async Task AnnounceAsync(ulong targetId, int[] partitions)
    {
        byte[] payload = ClusterRouting.DonePayload(targetId, partitions);
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
        public long Bytes;

        public void Read(in ItemView item)
        {
            foreach (ReplicationQueue queue in queues)
                queue.AppendStore(in item, copy: true);
            Count++;
            Bytes += (item.Key.Length + item.Value.Length) * queues.Length;
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
        ulong targetId = routing.Ownership.FingerprintOf(next.Members);
        var owed = new List<(int Partition, string[] Newcomers)>();
        for (int p = 0; p < routes.Serving.Length; p++)
        {
            if (routes.Serving[p].Contains(routes.Local))
                owed.Add((p, [.. next.OwnersOf(p).Where(m => !routes.Serving[p].Contains(m))]));
        }
        int handed = 0;
        foreach (List<(int Partition, string[] Newcomers)> chunk in Chunks(owed))
        {
            if (stop.IsCancellationRequested)
                break;
            await CopyAndAnnounceAsync(chunk, targetId, replace: true, stop).ConfigureAwait(false);
            handed += chunk.Count;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "A copy of {Partitions} partitions did not reach every new owner; copying again")]
    public static partial void CopyFailed(ILogger logger, int partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Partitions} partitions were still moving long after the table changed: copied what this node holds of them ({Items} items) to their owners and switched")]
    public static partial void Repaired(ILogger logger, int partitions, long items);
}

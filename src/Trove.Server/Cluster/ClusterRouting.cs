using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Trove.Cluster.Placement;
using Trove.Cluster.Wire;
using Trove.Server.Cluster.Peers;
using Trove.Server.Memcache;
using Trove.Storage;

namespace Trove.Server.Cluster;

/// <summary>
/// This node's part in the one-hop DHT: decides whether a key's requests run here (<see cref="IsLocal"/>) or go to the
/// partition's serving primary (<see cref="Forward"/>, trying the next owner at once when one cannot be reached),
/// replicates every write made here to the partition's other owners (as the engine's change observer), and copies
/// partitions to their new owners when the table changes (<see cref="PartitionMigrator"/>).
/// </summary>
internal sealed partial class ClusterRouting : IItemChangeObserver, IDisposable
{
    private readonly ServerContext _context;
    private readonly PeerClients _peers;
    private readonly ConcurrentDictionary<string, ReplicationQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly RouteTable _alone;
    private readonly RouteTable _awaitingJoin;
    private readonly Func<bool> _joining;
    private long _forwarded, _failovers, _forwardFailures;

    public ClusterRouting(ServerContext context, PacketSealer sealer, Func<bool> joining, int replicas, bool syncReplication, TimeSpan requestTimeout, ILogger logger)
    {
        _context = context;
        _logger = logger;
        Sealer = sealer;
        SyncReplication = syncReplication;
        _peers = new PeerClients(sealer, requestTimeout, connectTimeout: requestTimeout,
            maxFrameLength: PeerFrame.MaxFrameLengthFor(context.Engine.Options.MaxItemSize));
        Ownership = new PartitionOwnership(joining, replicas);
        _joining = joining;
        _alone = RouteTable.Alone("", PartitionTable.PartitionCount);
        _awaitingJoin = RouteTable.AwaitingJoin(PartitionTable.PartitionCount);
        Listener = new PeerListener(context, sealer, logger);
        Migrator = new PartitionMigrator(this, logger);
    }

    public PacketSealer Sealer { get; }
    public bool SyncReplication { get; }

    /// <summary>Bytes per second of partition copies this node sends at most (--migration-rate); 0: no limit.</summary>
    public long MigrationRate { get; set; }
    public PartitionOwnership Ownership { get; }
    public PeerListener Listener { get; }
    public PartitionMigrator Migrator { get; }
    internal ServerContext Context => _context;

    /// <summary>The current routes; before the first membership view, a node that is to join serves nothing yet (see PartitionOwnership).</summary>
    public RouteTable Routes => Ownership.Routes ?? (_joining() ? _awaitingJoin : _alone);

    public long Forwarded => Interlocked.Read(ref _forwarded);
    public long Failovers => Interlocked.Read(ref _failovers);
    public long ForwardFailures => Interlocked.Read(ref _forwardFailures);
    public long ReplicationSent => _queues.Values.Sum(q => q.Sent);
    public long ReplicationLost => _queues.Values.Sum(q => q.Lost + q.Dropped);

    public static int PartitionOf(ReadOnlySpan<byte> key) => KeyPartitioner.PartitionOf(key, PartitionTable.PartitionCount);

    /// <summary>Whether requests for <paramref name="key"/> run on this node; <paramref name="partition"/> is the key's partition either way.</summary>
    public bool IsLocal(ReadOnlySpan<byte> key, out int partition)
    {
        partition = PartitionOf(key);
        return Routes.LocalServes[partition];
    }

    /// <summary>
    /// Sends <paramref name="payload"/> (a <see cref="PeerRequestKind"/> byte, then complete requests) to the partition's
    /// serving owners in order until one answers; this node, when it is one of them, executes it itself. The task never
    /// faults: when no owner answers it ends with <paramref name="failureReply"/>. <paramref name="stripEnd"/> removes a
    /// trailing "END\r\n" (one key of a multi-key get).
    /// </summary>
    public Task<ReadOnlyMemory<byte>> Forward(int partition, byte[] payload, byte[] failureReply, bool stripEnd)
    {
        Interlocked.Increment(ref _forwarded);
        return ForwardAsync(Routes, partition, payload, failureReply, stripEnd, refusals: 0);
    }

    /// <summary>
    /// How long a request refused by every owner (<see cref="ForwardStatus.NotServing"/>) waits before trying again,
    /// and how often: owners refuse while their view of the partition lags the forwarder's (a switch seen here first),
    /// which lasts milliseconds; about a second in all, then the failure reply.
    /// </summary>
    private static readonly TimeSpan RefusedRetryDelay = TimeSpan.FromMilliseconds(20);
    private const int MaxRefusedRetries = 50;

    private async Task<ReadOnlyMemory<byte>> ForwardAsync(RouteTable routes, int partition, byte[] payload, byte[] failureReply, bool stripEnd, int refusals)
    {
        string[] owners = routes.Serving[partition];
        bool refused = false;
        for (int i = 0; i < owners.Length; i++)
        {
            string owner = owners[i];
            byte[]? reply = null;
            if (owner == routes.Local)
            {
                reply = new PeerRequestExecutor(_context).Execute(payload)?.ToArray();
            }
            else if (routes.Addresses.TryGetValue(owner, out Trove.Cluster.NodeAddress address))
            {
                try
                {
                    reply = await _peers.Send(owner, address, partition, payload).ConfigureAwait(false);
                    if (_unreachable.TryRemove(owner, out _))
                        RoutingLog.Reachable(_logger, owner);
                }
                catch (PeerUnavailableException ex)
                {
                    if (_unreachable.TryAdd(owner, true))
                        PeerLog.Unreachable(_logger, owner, ex.Message);
                }
            }
            if (reply is { Length: > 0 } && reply[0] == (byte)ForwardStatus.Executed)
            {
                if (i > 0)
                    Interlocked.Increment(ref _failovers);
                ReadOnlyMemory<byte> answer = reply.AsMemory(1);
                return stripEnd && answer.Span.EndsWith("END\r\n"u8) ? answer[..^5] : answer;
            }
            // NotServing (the owner is catching up, or its view lags or leads ours): the next owner, as if unreachable.
            refused |= reply is [(byte)ForwardStatus.NotServing];
        }
        if (!ReferenceEquals(routes, Routes))
        {
            // The owners changed while this request was trying them (a member left or died and the table moved on):
            // try the new ones once.
            return await ForwardAsync(Routes, partition, payload, failureReply, stripEnd, refusals).ConfigureAwait(false);
        }
        if (refused && refusals < MaxRefusedRetries)
        {
            await Task.Delay(RefusedRetryDelay).ConfigureAwait(false);
            return await ForwardAsync(Routes, partition, payload, failureReply, stripEnd, refusals + 1).ConfigureAwait(false);
        }
        Interlocked.Increment(ref _forwardFailures);
        return failureReply;
    }

    /// <summary>Sends a request to every other live member, for commands that apply to the whole cluster (flush_all).</summary>
    public void Broadcast(ReadOnlySpan<byte> textRequest)
    {
        RouteTable routes = Routes;
        byte[] payload = [(byte)PeerRequestKind.Broadcast, .. textRequest];
        foreach ((string member, Trove.Cluster.NodeAddress address) in routes.Addresses)
        {
            if (member != routes.Local)
                _ = _peers.Send(member, address, 0, payload).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>Waits until every write this node queued for replicas so far is acknowledged (or its replica given up on).</summary>
    public Task WaitForReplicasAsync()
    {
        if (_queues.IsEmpty)
            return Task.CompletedTask;
        List<Task>? waits = null;
        foreach (ReplicationQueue queue in _queues.Values)
        {
            Task wait = queue.WaitForQueuedAsync();
            if (!wait.IsCompleted)
                (waits ??= []).Add(wait);
        }
        return waits is null ? Task.CompletedTask : Task.WhenAll(waits);
    }

    /// <summary>The engine changed an item: queue its state for every other owner of the partition. Under the partition lock.</summary>
    public void OnItemChanged(int partition, in ItemView item)
    {
        if (Replication.Suppressed)
            return;
        string[] targets = Routes.ReplicateTo[partition];
        for (int i = 0; i < targets.Length; i++)
            QueueFor(targets[i]).AppendStore(in item);
    }

    /// <summary>The engine deleted a key: queue the delete for every other owner of the partition. Under the partition lock.</summary>
    public void OnItemDeleted(int partition, ReadOnlySpan<byte> key)
    {
        if (Replication.Suppressed)
            return;
        string[] targets = Routes.ReplicateTo[partition];
        for (int i = 0; i < targets.Length; i++)
            QueueFor(targets[i]).AppendDelete(key);
    }

    internal ReplicationQueue QueueFor(string member) =>
        _queues.GetOrAdd(member, static (name, self) => new ReplicationQueue(name, (to, frame) => self.SendTo(to, frame.Span)), this);

    /// <summary>
    /// Sends a payload to a member on its replication connection (<see cref="PeerClients.ReplicationLane"/>): every
    /// replication frame, copy and announcement goes there, so each member receives them as one ordered stream.
    /// </summary>
    internal Task<byte[]> SendTo(string member, ReadOnlySpan<byte> payload)
    {
        if (!Routes.Addresses.TryGetValue(member, out Trove.Cluster.NodeAddress address))
            return Task.FromException<byte[]>(new PeerUnavailableException($"{member} is no longer a member"));
        return _peers.Send(member, address, PeerClients.ReplicationLane, payload);
    }

    /// <summary>A new membership view: recompute ownership, drop what this node no longer owns, start owed copies.</summary>
    public void OnMembershipChanged(string local, ClusterSnapshot snapshot)
    {
        List<int> dropped = Ownership.Update(local, snapshot);
        Drop(dropped);
        var live = new HashSet<string>(Routes.Addresses.Keys, StringComparer.Ordinal);
        _peers.Retain(live);
        foreach (string gone in _queues.Keys.Where(name => !live.Contains(name)).ToList())
            _queues.TryRemove(gone, out _);
        Migrator.Kick();
    }

    /// <summary>A copier finished <paramref name="partitions"/> for the target <paramref name="targetId"/>.</summary>
    public void MigrationDone(IReadOnlyList<int> partitions, ulong targetId) => Drop(Ownership.MarkReceived(partitions, targetId));

    /// <summary>
    /// Drops partitions this node no longer owns. Never replicated (the new owners keep theirs); in store mode the
    /// removals are logged, so a restart does not bring back data the node no longer owns.
    /// </summary>
    internal void Drop(List<int> partitions)
    {
        if (partitions.Count == 0)
            return;
        long items = 0;
        using (Replication.Suppress())
        {
            foreach (int p in partitions)
                items += _context.Engine.DropPartition(p, reportDeletes: _context.Store is not null);
        }
        RoutingLog.Dropped(_logger, partitions.Count, items, string.Join(",", partitions.Take(64)));
    }

    /// <summary>MigrationDone: kind, target fingerprint (u64), then each partition (u16), big-endian.</summary>
    internal static byte[] DonePayload(ulong targetId, int[] partitions)
    {
        var payload = new byte[9 + 2 * partitions.Length];
        payload[0] = (byte)PeerRequestKind.MigrationDone;
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(1), targetId);
        for (int i = 0; i < partitions.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(9 + 2 * i), (ushort)partitions[i]);
        return payload;
    }

    /// <summary>A copy of <paramref name="partition"/> to this node began: it dropped what it held (logged for diagnosis).</summary>
    internal void NoteCopyBegins(int partition, long dropped) => RoutingLog.CopyBegins(_logger, partition, dropped, Routes.LocalOwns[partition]);

    /// <summary>Drops every node-to-node stream at once, in and out (a node dying, in tests).</summary>
    public void Abort()
    {
        Listener.Abort();
        Dispose();
    }

    public void Dispose()
    {
        Migrator.Dispose();
        _peers.Dispose();
    }
}

internal static partial class RoutingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Member} answers again")]
    public static partial void Reachable(ILogger logger, string member);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Copied {Partitions} partitions ({Items} items) to their new owners")]
    public static partial void Copied(ILogger logger, int partitions, long items);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A copy of partition {Partition} begins: dropped the {Items} items held (serving it: {Serving})")]
    public static partial void CopyBegins(ILogger logger, int partition, long items, bool serving);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {Partitions} partitions this node no longer owns ({Items} items): {List}")]
    public static partial void Dropped(ILogger logger, int partitions, long items, string list);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data movement finished: {Partitions} partitions copied, {Items} items")]
    public static partial void MovementFinished(ILogger logger, long partitions, long items);
}

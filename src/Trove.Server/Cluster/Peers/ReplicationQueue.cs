using System.Buffers;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// Writes waiting to be sent to one replica. Records are appended (under the partition lock of the write, so per key
/// in write order) and shipped in one Replicate frame at a time: the next frame leaves when the previous one is
/// acknowledged, so frames arrive in order and a busy primary batches many writes per frame. Acknowledged counts let
/// --sync-replication wait for exactly the writes made before a reply.
/// </summary>
/// <remarks>
/// A batch larger than <paramref name="maxFrameRecords"/> bytes (a replica that fell behind, a partition copy, a 64 MiB
/// value among others) leaves as several frames, split between records; a single larger record goes alone. So no
/// frame exceeds what the replica accepts (<see cref="PeerFrame.MaxFrameLengthFor"/>: the largest item plus overhead).
/// </remarks>
internal sealed class ReplicationQueue(string member, Func<string, ReadOnlyMemory<byte>, Task<byte[]>> send, int maxFrameRecords = ReplicationQueue.DefaultMaxFrameRecords)
{
    /// <summary>Bytes of records sent in one frame unless a single record is larger: 64 MiB, under every node's frame limit.</summary>
    public const int DefaultMaxFrameRecords = PeerFrame.DefaultMaxFrameLength - PeerFrame.ItemFrameOverhead;

    /// <summary>Bytes held for a replica that does not keep up; beyond it new records are dropped and counted (cache mode).</summary>
    public const int MaxQueuedBytes = 64 * 1024 * 1024;

    /// <summary>A sent buffer larger than this is dropped rather than reused.</summary>
    private const int RetainedCapacity = 1024 * 1024;

    private readonly Lock _gate = new();
    private ArrayBufferWriter<byte> _records = NewBuffer();
    private ArrayBufferWriter<byte> _spare = NewBuffer();
    private long _queued;
    private long _acknowledged;
    private long _lostUpTo; // the queue position after the last batch that failed to reach the member
    private bool _sending;
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _differs = new();

    public string Member { get; } = member;

    public long Dropped { get; private set; }
    public long Lost { get; private set; }
    public long Sent { get; private set; }

    /// <summary>Records appended so far: a mark for <see cref="LostSince"/>.</summary>
    public long Position
    {
        get
        {
            lock (_gate)
                return _queued;
        }
    }

    /// <summary>Whether a record appended after <paramref name="position"/> failed to reach the member (and was given up on).</summary>
    public bool LostSince(long position) => Interlocked.Read(ref _lostUpTo) > position;

    /// <summary>Queues the item's new state (<paramref name="copy"/>: as a migration copy). Called under the item's partition lock.</summary>
    public void AppendStore(in Trove.Storage.ItemView item, bool copy = false)
    {
        lock (_gate)
        {
            if (!copy && _records.WrittenCount > MaxQueuedBytes) // a copy is never dropped: the migrator waits for each partition's
            {
                Dropped++;
                return;
            }
            ReplicationRecord.WriteStore(_records, in item, copy);
            Queued(forRequest: !copy);
        }
    }

    /// <summary>Queues the key's deletion. Called under the key's partition lock.</summary>
    public void AppendDelete(ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            if (_records.WrittenCount > MaxQueuedBytes)
            {
                Dropped++;
                return;
            }
            ReplicationRecord.WriteDelete(_records, key);
            Queued(forRequest: true);
        }
    }

    /// <summary>
    /// Queues the start of a partition's copy: the receiver drops what it holds of the partition before the copy
    /// records that follow, so data it kept from before (a restarted node's log) and keys deleted meanwhile do not
    /// outlive the copy. Writes queued after this mark are applied after it, so none is lost.
    /// </summary>
    public void AppendCopyBegin(int partition)
    {
        lock (_gate)
        {
            ReplicationRecord.WriteCopyBegin(_records, partition);
            Queued(forRequest: false);
        }
    }

    /// <summary>
    /// Queues this node's digest of a partition (taken under the partition lock, so ordered with its writes); the
    /// member compares it with its own when it gets there, and <see cref="Differs"/> tells the result once
    /// acknowledged.
    /// </summary>
    public void AppendVerify(int partition, Trove.Storage.PartitionDigest digest)
    {
        lock (_gate)
        {
            _differs.TryRemove(partition, out _);
            ReplicationRecord.WriteVerify(_records, partition, digest);
            Queued(forRequest: false);
        }
    }

    /// <summary>Whether the member's digest of <paramref name="partition"/> differed at its last acknowledged verify.</summary>
    public bool Differs(int partition) => _differs.ContainsKey(partition);

    /// <summary>
    /// Caller holds the gate: counts the record and makes sure a sender runs. <paramref name="forRequest"/>: a request's
    /// write on this thread, whose reply --sync-replication holds back. The migrator's records are not: marking its
    /// thread would make the next batch that thread runs wait for every replica (a node-to-node stream waiting so could
    /// wait for its own acknowledgement).
    /// </summary>
    private void Queued(bool forRequest)
    {
        _queued++;
        if (forRequest)
            Replication.NoteQueued();
        if (!_sending)
        {
            _sending = true;
            ThreadPool.UnsafeQueueUserWorkItem(static queue => _ = queue.SendLoopAsync(), this, preferLocal: false);
        }
    }

    /// <summary>Completes once every record appended before the call has been acknowledged, or given up on.</summary>
    public Task WaitForQueuedAsync()
    {
        lock (_gate)
        {
            if (_acknowledged >= _queued)
                return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_queued, done));
            return done.Task;
        }
    }

    private async Task SendLoopAsync()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            long count;
            lock (_gate)
            {
                count = _queued - _acknowledged;
                if (_records.WrittenCount <= 1)
                {
                    _sending = false;
                    return;
                }
                batch = _records;
                _records = _spare;
                _spare = batch;
            }
            try
            {
                await SendBatchAsync(batch.WrittenMemory).ConfigureAwait(false);
                Sent += count;
            }
            catch (PeerUnavailableException)
            {
                // The replica is gone; the failure detector will take it out of the table. These writes are lost to
                // it, which in cache mode only costs misses if it comes back.
                Lost += count;
                lock (_gate)
                    _lostUpTo = _acknowledged + count;
            }
            List<TaskCompletionSource> released = [];
            lock (_gate)
            {
                if (batch.Capacity > RetainedCapacity)
                {
                    _spare = NewBuffer(); // a partition copy grew it: do not keep megabytes per replica forever
                }
                else
                {
                    batch.ResetWrittenCount();
                    batch.Write([(byte)PeerRequestKind.Replicate]);
                }
                _acknowledged += count;
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Target <= _acknowledged)
                    {
                        released.Add(_waiters[i].Done);
                        _waiters.RemoveAt(i);
                    }
                }
            }
            foreach (TaskCompletionSource done in released)
                done.TrySetResult();
        }
    }

    /// <summary>Sends one batch (the Replicate kind byte, then records): as it is when small enough, else in record-aligned frames.</summary>
    private async Task SendBatchAsync(ReadOnlyMemory<byte> batch)
    {
        if (batch.Length - 1 <= maxFrameRecords)
        {
            NoteVerdicts(await send(Member, batch).ConfigureAwait(false));
            return;
        }
        int start = 1;
        while (start < batch.Length)
        {
            int end = start;
            while (end < batch.Length)
            {
                int length = ReplicationRecord.LengthOf(batch.Span[end..]);
                if (end > start && (long)end - start + length > maxFrameRecords)
                    break;
                end += length;
            }
            // Only an oversized batch pays for this copy: the common one is sent straight from the queue's buffer.
            byte[] frame = new byte[1 + end - start];
            frame[0] = (byte)PeerRequestKind.Replicate;
            batch.Span[start..end].CopyTo(frame.AsSpan(1));
            NoteVerdicts(await send(Member, frame).ConfigureAwait(false));
            start = end;
        }
    }

    /// <summary>An acknowledgement lists (u16 each) the verified partitions whose digest differed at the member.</summary>
    private void NoteVerdicts(byte[] reply)
    {
        for (int i = 0; i + 1 < reply.Length; i += 2)
            _differs[System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(i))] = true;
    }

    private static ArrayBufferWriter<byte> NewBuffer()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([(byte)PeerRequestKind.Replicate]);
        return buffer;
    }
}

using System.Buffers;
using System.Buffers.Binary;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Binary;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// Executes the requests another node sends (<see cref="PeerRequestKind"/>) against this node's engine and produces the
/// reply payload. Forwarded requests run through ordinary sessions made for peers: no authentication (the envelope
/// already proved the sender a member) and no routing (a forwarded request is executed here, never forwarded again,
/// so differing tables cannot make a loop). One executor per incoming stream: its sessions keep per-stream state.
/// </summary>
internal sealed class PeerRequestExecutor(ServerContext context)
{
    private readonly ArrayBufferWriter<byte> _reply = new();
    private MemcacheSession? _text;
    private BinarySession? _binary;
    private Action<int>? _dropForCopy;

    /// <summary>
    /// The reply payload for one request payload (empty for acknowledgements); null when the payload is malformed.
    /// The reply may be this executor's buffer: valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte>? Execute(byte[] payload)
    {
        if (payload.Length == 0)
            return null;
        var body = new ReadOnlyMemory<byte>(payload, 1, payload.Length - 1);
        switch ((PeerRequestKind)payload[0])
        {
            case PeerRequestKind.ForwardText when body.Length >= 2:
                return Forwarded(_text ??= MemcacheSession.ForPeer(context), body);
            case PeerRequestKind.ForwardBinary when body.Length >= 2:
                return Forwarded(_binary ??= BinarySession.ForPeer(context), body);
            case PeerRequestKind.Replicate:
                return ApplyRecords(body);
            case PeerRequestKind.MigrationDone when body.Length >= 10 && body.Length % 2 == 0:
                ulong target = BinaryPrimitives.ReadUInt64BigEndian(body.Span);
                var partitions = new int[(body.Length - 8) / 2];
                for (int i = 0; i < partitions.Length; i++)
                    partitions[i] = BinaryPrimitives.ReadUInt16BigEndian(body.Span[(8 + 2 * i)..]);
                context.Routing?.MigrationDone(partitions, target);
                return ReadOnlyMemory<byte>.Empty;
            case PeerRequestKind.Broadcast:
                // Replicated state is not re-sent: a broadcast runs here only.
                using (Replication.Suppress())
                {
                    _reply.ResetWrittenCount();
                    RunSession(MemcacheSession.ForPeer(context), body);
                }
                return ReadOnlyMemory<byte>.Empty;
            default:
                return null;
        }
    }

    /// <summary>Applies replication records; the reply lists the verified partitions whose digest differed. Null: malformed.</summary>
    private ReadOnlyMemory<byte>? ApplyRecords(ReadOnlyMemory<byte> records)
    {
        var differing = new List<int>();
        using (Replication.Suppress())
        {
            if (!ReplicationRecord.Apply(context.Engine, records, _dropForCopy ??= DropForCopy, differing, out _))
                return null;
        }
        if (differing.Count == 0)
            return ReadOnlyMemory<byte>.Empty;
        var reply = new byte[2 * differing.Count];
        for (int i = 0; i < differing.Count; i++)
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2 * i), (ushort)differing[i]);
        return reply;
    }

    /// <summary>A copy of the partition begins: what this node holds of it goes (logged in store mode, never replicated).</summary>
    private void DropForCopy(int partition)
    {
        long dropped = context.Engine.DropPartition(partition, reportDeletes: context.Store is not null);
        if (context.Routing is { } routing)
            routing.NoteCopyBegins(partition, dropped);
    }

    /// <summary>
    /// A forwarded request (partition, then the requests): executed only when this node serves the partition, so a node
    /// that restarted and is still catching up, or handed the partition over, never answers from data it may lack.
    /// </summary>
    private ReadOnlyMemory<byte> Forwarded(IProtocolSession session, ReadOnlyMemory<byte> body)
    {
        int partition = BinaryPrimitives.ReadUInt16BigEndian(body.Span);
        _reply.ResetWrittenCount();
        if (context.Routing is { } routing && ((uint)partition >= (uint)routing.Routes.LocalOwns.Length || !routing.Routes.LocalOwns[partition]))
        {
            _reply.Write([(byte)ForwardStatus.NotServing]);
            return _reply.WrittenMemory;
        }
        _reply.Write([(byte)ForwardStatus.Executed]);
        return RunSession(session, body[2..]);
    }

    /// <summary>Runs complete requests through <paramref name="session"/> until all are consumed (it yields every 20); appends to the reply.</summary>
    private ReadOnlyMemory<byte> RunSession(IProtocolSession session, ReadOnlyMemory<byte> requests)
    {
        var input = new ReadOnlySequence<byte>(requests);
        while (!input.IsEmpty)
        {
            SessionResult result = session.Process(input, _reply, out SequencePosition consumed, out _);
            ReadOnlySequence<byte> rest = input.Slice(consumed);
            if (result == SessionResult.Close || rest.Length == input.Length)
                break; // quit, a fatal protocol error, or an incomplete request: nothing more can run
            input = rest;
        }
        return _reply.WrittenMemory;
    }
}

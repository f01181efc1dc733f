using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Protocol.Text;
using Trove.Server.Cluster;
using Trove.Server.Cluster.Peers;
using Trove.Server.Memcache.Meta;
using Trove.Server.Memcache.Text;

namespace Trove.Server.Memcache;

/// <summary>
/// Routes text and meta requests whose keys this node does not serve: the request's bytes go to the partition's
/// serving primary (<see cref="ClusterRouting.Forward"/>) and its reply takes the request's place in the output.
/// A multi-key get is split into one get per key, each sent to its owner (all in parallel, those for one owner in one
/// write) and answered in the client's key order with one END; an owner that cannot be reached makes its keys misses.
/// Requests with errors, and keys served here, are left to the session to execute, so every error reply is the
/// node's own.
/// </summary>
internal static class TextForwarding
{
    private static ReadOnlySpan<byte> Unavailable => "SERVER_ERROR unavailable\r\n"u8;
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>A retrieval, delete, incr/decr or touch line: forwards it and returns true unless it runs here. Replies held
    /// before a forwarded request are released first, so the output keeps request order.</summary>
    public static bool TryForward(ClusterRouting routing, ReplyAssembler output, HeldReplies held, ReadOnlySpan<byte> line, in TextRequest request)
    {
        if (request.IsRetrieval)
            return TryForwardRetrieval(routing, output, held, line, in request);
        if (request.Command is not (MemcacheCommand.Delete or MemcacheCommand.Incr or MemcacheCommand.Decr or MemcacheCommand.Touch))
            return false;
        if (routing.IsLocal(request.Key.Of(line), out int partition))
            return false;
        held.FlushTo(output);
        Send(routing, output, partition, line, default, request.NoReply ? [] : Unavailable.ToArray());
        return true;
    }

    /// <summary>A storage command whose data block (with its "\r\n") is complete: forwards it unless it runs here.</summary>
    public static bool TryForwardStorage(ClusterRouting routing, ReplyAssembler output, HeldReplies held, ReadOnlySpan<byte> line, in TextRequest request, in System.Buffers.ReadOnlySequence<byte> block)
    {
        if (routing.IsLocal(request.Key.Of(line), out int partition))
            return false;
        held.FlushTo(output);
        Send(routing, output, partition, line, block, request.NoReply ? [] : Unavailable.ToArray());
        return true;
    }

    /// <summary>A meta command (with its data block, if any): forwards it unless it has no key or its key is served here.</summary>
    public static bool TryForwardMeta(ClusterRouting routing, ReplyAssembler output, HeldReplies held, ReadOnlySpan<byte> line, in System.Buffers.ReadOnlySequence<byte> block, int maxKeyLength)
    {
        byte[]? rented = MetaKeyBuffer.RentFor(line, maxKeyLength);
        Span<byte> keyBuffer = rented ?? stackalloc byte[MetaRequest.KeyBufferLength];
        try
        {
            return TryForwardMeta(routing, output, held, line, block, keyBuffer, maxKeyLength);
        }
        finally
        {
            MetaKeyBuffer.Return(rented);
        }
    }

    private static bool TryForwardMeta(ClusterRouting routing, ReplyAssembler output, HeldReplies held, ReadOnlySpan<byte> line, in System.Buffers.ReadOnlySequence<byte> block, Span<byte> keyBuffer, int maxKeyLength)
    {
        MetaRequest request = MetaCommandParser.Parse(line, keyBuffer, maxKeyLength);
        if (request.Error != MetaParseError.None || request.Command is MetaCommandKind.NoOp || request.Key.IsEmpty)
            return false;
        if (routing.IsLocal(request.Key, out int partition))
            return false;
        bool quiet = (request.Flags & MetaFlags.Quiet) != 0;
        // A miss is what an unreachable owner's keys look like to a meta get; other commands report the failure.
        byte[] failure = request.Command == MetaCommandKind.Get ? (quiet ? [] : "EN\r\n"u8.ToArray()) : Unavailable.ToArray();
        held.FlushTo(output);
        Send(routing, output, partition, line, block, failure);
        return true;
    }

    private static bool TryForwardRetrieval(ClusterRouting routing, ReplyAssembler output, HeldReplies held, ReadOnlySpan<byte> line, in TextRequest request)
    {
        if (RetrievalCommands.IndexOfOverlongKey(line, request.KeysStart) >= 0)
            return false; // the whole command fails: the session's own reply
        bool anyRemote = false;
        foreach (TextToken key in new TextKeyEnumerator(line, request.KeysStart))
        {
            if (!routing.IsLocal(key.Of(line), out _))
            {
                anyRemote = true;
                break;
            }
        }
        if (!anyRemote)
            return false;
        held.FlushTo(output); // as memcached, a get sends what was held at once
        ReadOnlySpan<byte> prefix = line[..request.KeysStart]; // "get ", "gats 100 ", ...
        foreach (TextToken token in new TextKeyEnumerator(line, request.KeysStart))
        {
            ReadOnlySpan<byte> key = token.Of(line);
            routing.IsLocal(key, out int partition);
            byte[] payload = ForwardPayload.Create(PeerRequestKind.ForwardText, partition, prefix.Length + key.Length + 2);
            Span<byte> body = payload.AsSpan(ForwardPayload.HeaderLength);
            prefix.CopyTo(body);
            key.CopyTo(body[prefix.Length..]);
            Crlf.CopyTo(body[(prefix.Length + key.Length)..]);
            output.AddPending(routing.Forward(partition, payload, [], stripEnd: true));
        }
        output.Write("END\r\n"u8);
        return true;
    }

    private static void Send(ClusterRouting routing, ReplyAssembler output, int partition, ReadOnlySpan<byte> line, in System.Buffers.ReadOnlySequence<byte> block, byte[] failure)
    {
        byte[] payload = ForwardPayload.Create(PeerRequestKind.ForwardText, partition, line.Length + 2 + (int)block.Length);
        Span<byte> body = payload.AsSpan(ForwardPayload.HeaderLength);
        line.CopyTo(body);
        Crlf.CopyTo(body[line.Length..]);
        block.CopyTo(body[(line.Length + 2)..]);
        output.AddPending(routing.Forward(partition, payload, failure, stripEnd: false));
    }
}

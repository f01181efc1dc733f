using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Cluster;
using Trove.Server.Cluster.Peers;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// Routes binary requests whose key this node does not serve: the whole packet goes to the partition's serving primary
/// and its reply (none, for a quiet success or miss) takes the packet's place in the output. When no owner answers, a
/// get is a miss (nothing for the quiet forms) and anything else gets the protocol's "Temporary failure".
/// </summary>
internal static class BinaryForwarding
{
    /// <summary>Opcodes that carry a key the cluster routes.</summary>
    public static bool Routes(BinaryOpcode opcode) => BinaryOpcodes.Loud(opcode) is
        BinaryOpcode.Get or BinaryOpcode.GetK or BinaryOpcode.Touch or BinaryOpcode.Gat or BinaryOpcode.GatK or
        BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace or BinaryOpcode.Append or BinaryOpcode.Prepend or
        BinaryOpcode.Delete or BinaryOpcode.Increment or BinaryOpcode.Decrement;

    /// <summary>
    /// Forwards the packet unless its key is served here. <paramref name="frame"/> is the header, extras and key as
    /// received, <paramref name="value"/> the value after them (storage commands), else empty.
    /// </summary>
    public static bool TryForward(ClusterRouting routing, ReplyAssembler output, HeldReplies held, in BinaryHeader header,
        ReadOnlySpan<byte> frame, ReadOnlySpan<byte> key, in ReadOnlySequence<byte> value)
    {
        if (routing.IsLocal(key, out int partition))
            return false;
        held.FlushTo(output); // replies stay in request order
        byte[] payload = ForwardPayload.Create(PeerRequestKind.ForwardBinary, partition, frame.Length + (int)value.Length);
        frame.CopyTo(payload.AsSpan(ForwardPayload.HeaderLength));
        value.CopyTo(payload.AsSpan(ForwardPayload.HeaderLength + frame.Length));
        output.AddPending(routing.Forward(partition, payload, Failure(in header), stripEnd: false));
        return true;
    }

    private static byte[] Failure(in BinaryHeader header)
    {
        BinaryOpcode loud = BinaryOpcodes.Loud(header.Command);
        bool isGet = loud is BinaryOpcode.Get or BinaryOpcode.GetK or BinaryOpcode.Gat or BinaryOpcode.GatK;
        if (isGet && BinaryOpcodes.IsQuiet(header.Command))
            return [];
        var reply = new ArrayBufferWriter<byte>();
        BinaryResponseWriter.WriteError(reply, header.Opcode, isGet ? BinaryStatus.KeyNotFound : BinaryStatus.TemporaryFailure, header.Opaque);
        return reply.WrittenSpan.ToArray();
    }
}

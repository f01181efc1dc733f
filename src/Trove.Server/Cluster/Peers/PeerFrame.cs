using System.Buffers;
using System.Buffers.Binary;
using Trove.Cluster.Wire;

namespace Trove.Server.Cluster.Peers;

/// <summary>What a node-to-node request frame asks for: its payload's first byte.</summary>
internal enum PeerRequestKind : byte
{
    /// <summary>
    /// Complete text or meta requests for one partition (<c>partition:u16be</c> then the requests), executed by the
    /// receiver as its own, never forwarded again. The reply is a <see cref="ForwardStatus"/> byte, then what a client
    /// would get.
    /// </summary>
    ForwardText = 1,

    /// <summary>One complete binary-protocol request packet, likewise.</summary>
    ForwardBinary = 2,

    /// <summary>Item states a primary sends its replicas and copies of a moving partition (<see cref="ReplicationRecord"/>s); the reply is empty.</summary>
    Replicate = 3,

    /// <summary>The sender finished copying a partition to its new owners (target fingerprint:u64be, partition:u16be); empty reply.</summary>
    MigrationDone = 5,

    /// <summary>flush_all given to one node, passed to every other (the text request follows); empty reply.</summary>
    Broadcast = 6,
}

/// <summary>The first byte of a forwarded request's reply.</summary>
internal enum ForwardStatus : byte
{
    /// <summary>Executed; the client's reply follows.</summary>
    Executed = 0,

    /// <summary>
    /// Not executed: the receiver does not serve the partition (it restarted and is catching up, or it already handed
    /// the partition over). The sender tries the partition's next owner, as for an unreachable one.
    /// </summary>
    NotServing = 1,
}

/// <summary>Builds forwarded-request payloads: kind, partition, then the request bytes.</summary>
internal static class ForwardPayload
{
    public const int HeaderLength = 3;

    /// <summary>A payload of <paramref name="bodyLength"/> request bytes after the header, which is filled in.</summary>
    public static byte[] Create(PeerRequestKind kind, int partition, int bodyLength)
    {
        var payload = new byte[HeaderLength + bodyLength];
        payload[0] = (byte)kind;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(1), checked((ushort)partition));
        return payload;
    }
}

/// <summary>
/// The node-to-node data stream (docs/CLUSTER.md, "Request routing"): on the gossip port, after the four bytes
/// <c>TRVD</c>, each side sends frames <c>length:u32be envelope</c>, where the envelope is
/// <see cref="PacketSealer"/>'s (cluster name, and AES-GCM with the cluster key when one is set) around the payload.
/// A request payload is <c>kind:u8 body</c>; every request gets exactly one reply frame, in request order, whose payload
/// is the reply bytes.
/// </summary>
internal static class PeerFrame
{
    /// <summary>The least a node accepts, whatever its item size: a 64 MiB item with room for its request line.</summary>
    public const int DefaultMaxFrameLength = 65 * 1024 * 1024;

    /// <summary>
    /// Room beyond the value in a frame that carries one: its key (up to 64 KiB), the request or reply line or binary
    /// header, a replication record's fields and the envelope's overhead, all well under this.
    /// </summary>
    public const int ItemFrameOverhead = 1024 * 1024;

    /// <summary>
    /// Largest frame a node with this --max-item-size accepts: the largest item (value, key and all) with
    /// <see cref="ItemFrameOverhead"/>, and never less than <see cref="DefaultMaxFrameLength"/>. A longer length is
    /// taken for garbage and closes the stream.
    /// </summary>
    public static int MaxFrameLengthFor(int maxItemSize) => (int)Math.Min(Array.MaxLength, Math.Max(DefaultMaxFrameLength, (long)maxItemSize + ItemFrameOverhead));

    /// <summary>Seals <paramref name="payload"/> and appends the framed result to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, PacketSealer sealer, ReadOnlySpan<byte> payload)
    {
        int length = sealer.Overhead + payload.Length;
        Span<byte> frame = output.GetSpan(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        sealer.SealInto(payload, frame.Slice(4, length));
        output.Advance(4 + length);
    }

    /// <summary>
    /// Takes one complete frame off the front of <paramref name="buffer"/>. NeedMoreData: not all there yet;
    /// InvalidData: longer than <paramref name="maxFrameLength"/>, or the envelope does not open (wrong cluster, wrong key,
    /// forged) — the stream is then closed.
    /// </summary>
    public static OperationStatus TryRead(ref ReadOnlySequence<byte> buffer, PacketSealer sealer, int maxFrameLength, out byte[] payload, out OpenResult refused)
    {
        payload = [];
        refused = OpenResult.Ok;
        if (buffer.Length < 4)
            return OperationStatus.NeedMoreData;
        Span<byte> lengthBytes = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(lengthBytes);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(lengthBytes);
        if (length > (uint)maxFrameLength)
            return OperationStatus.InvalidData;
        if (buffer.Length < 4 + length)
            return OperationStatus.NeedMoreData;
        ReadOnlySequence<byte> body = buffer.Slice(4, length);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> envelope;
            if (body.IsSingleSegment)
            {
                envelope = body.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)length);
                body.CopyTo(rented);
                envelope = rented.AsSpan(0, (int)length);
            }
            refused = sealer.TryOpen(envelope, out payload);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
        buffer = buffer.Slice(4 + length);
        return refused == OpenResult.Ok ? OperationStatus.Done : OperationStatus.InvalidData;
    }
}

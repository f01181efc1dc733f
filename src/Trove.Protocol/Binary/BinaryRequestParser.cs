using System.Buffers;

namespace Trove.Protocol.Binary;

/// <summary>
/// Frames binary requests as memcached's try_read_command_binary does: a request is dispatched once its header,
/// extras and key are in; the value is left in the input for the command to consume.
/// </summary>
public static class BinaryRequestParser
{
    /// <summary>
    /// <see cref="OperationStatus.Done"/>: <paramref name="request"/> is filled and the reader is past header, extras
    /// and key. <see cref="OperationStatus.NeedMoreData"/>: the reader is unchanged. <see cref="OperationStatus.InvalidData"/>:
    /// see <paramref name="error"/>; for <see cref="BinaryParseError.BodyTooShort"/> the request is filled and the reader
    /// is past header, extras and key (the reply echoes opcode and opaque), for <see cref="BinaryParseError.BadMagic"/>
    /// the reader is unchanged.
    /// </summary>
    public static OperationStatus TryParse(ref SequenceReader<byte> reader, out BinaryRequest request, out BinaryParseError error)
    {
        request = default;
        error = BinaryParseError.None;
        if (reader.Remaining < BinaryHeader.Size)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> raw = stackalloc byte[BinaryHeader.Size];
        reader.UnreadSequence.Slice(0, BinaryHeader.Size).CopyTo(raw);
        BinaryHeader header = BinaryHeader.Read(raw);
        if (header.Magic != BinaryHeader.RequestMagic)
        {
            error = BinaryParseError.BadMagic;
            return OperationStatus.InvalidData;
        }

        // memcached waits for extras and key even when the body length says they cannot all belong to the body.
        long framed = BinaryHeader.Size + header.ExtrasLength + header.KeyLength;
        if (reader.Remaining < framed)
        {
            return OperationStatus.NeedMoreData;
        }

        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        ReadOnlySequence<byte> extras = unread.Slice(BinaryHeader.Size, header.ExtrasLength);
        ReadOnlySequence<byte> key = unread.Slice(BinaryHeader.Size + header.ExtrasLength, header.KeyLength);
        request = new BinaryRequest(in header, in extras, in key);
        reader.Advance(framed);
        if (!header.LengthsConsistent)
        {
            error = BinaryParseError.BodyTooShort;
            return OperationStatus.InvalidData;
        }
        return OperationStatus.Done;
    }
}

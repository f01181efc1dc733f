using System.Buffers;

namespace Trove.Protocol.Binary;

/// <summary>
/// A request whose header, extras and key have arrived (slices of the input, valid until it is advanced). The value,
/// <see cref="BinaryHeader.ValueLength"/> bytes, follows in the input and is read by the caller: whether it is
/// stored, buffered or discarded depends on the command.
/// </summary>
public readonly struct BinaryRequest
{
    public BinaryRequest(in BinaryHeader header, in ReadOnlySequence<byte> extras, in ReadOnlySequence<byte> key)
    {
        Header = header;
        Extras = extras;
        Key = key;
    }

    public BinaryHeader Header { get; }
    public ReadOnlySequence<byte> Extras { get; }
    public ReadOnlySequence<byte> Key { get; }
}

using System.Buffers.Binary;

namespace Trove.Protocol.Binary;

/// <summary>
/// The 24-byte header that starts every binary packet, in host order. Byte 6-7 is the vbucket in a request and the
/// status in a response.
/// </summary>
public readonly record struct BinaryHeader
{
    public const int Size = 24;

    /// <summary>First byte of every request; a connection whose first byte is this speaks the binary protocol.</summary>
    public const byte RequestMagic = 0x80;

    public const byte ResponseMagic = 0x81;

    public byte Magic { get; init; }
    public byte Opcode { get; init; }
    public ushort KeyLength { get; init; }
    public byte ExtrasLength { get; init; }
    public byte DataType { get; init; }
    /// <summary>vbucket id (request) or status (response).</summary>
    public ushort VBucketOrStatus { get; init; }
    public uint BodyLength { get; init; }
    /// <summary>Copied unchanged into the response; kept as the raw four bytes' big-endian value.</summary>
    public uint Opaque { get; init; }
    public ulong Cas { get; init; }

    public BinaryOpcode Command => (BinaryOpcode)Opcode;

    /// <summary>Whether the key and extras fit in the body (memcached answers a header that lies with "Unknown command" and closes).</summary>
    public bool LengthsConsistent => (uint)KeyLength + ExtrasLength <= BodyLength;

    /// <summary>Body bytes after extras and key: the value. Only meaningful when <see cref="LengthsConsistent"/>.</summary>
    public long ValueLength => (long)BodyLength - KeyLength - ExtrasLength;

    public static BinaryHeader Read(ReadOnlySpan<byte> bytes) => new()
    {
        Magic = bytes[0],
        Opcode = bytes[1],
        KeyLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
        ExtrasLength = bytes[4],
        DataType = bytes[5],
        VBucketOrStatus = BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]),
        BodyLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]),
        Opaque = BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]),
        Cas = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
    };

    public void Write(Span<byte> bytes)
    {
        bytes[0] = Magic;
        bytes[1] = Opcode;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], KeyLength);
        bytes[4] = ExtrasLength;
        bytes[5] = DataType;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[6..], VBucketOrStatus);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], BodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], Opaque);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], Cas);
    }
}

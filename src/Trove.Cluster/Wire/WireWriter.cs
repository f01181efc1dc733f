using System.Buffers.Binary;
using System.Text;

namespace Trove.Cluster.Wire;

/// <summary>Appends the primitive encodings of docs/CLUSTER.md to a growable buffer.</summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity = 128) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => Written.ToArray();

    public void Byte(byte value) => Reserve(1)[0] = value;

    public void UInt16(int value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), checked((ushort)value));

    /// <summary>LEB128: 7 bits per byte, low group first, high bit set on all but the last byte.</summary>
    public void VarUInt(uint value)
    {
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }
        Byte((byte)value);
    }

    /// <summary>LEB128 of a 64-bit value.</summary>
    public void VarULong(ulong value)
    {
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }
        Byte((byte)value);
    }

    /// <summary>A string of at most 255 UTF-8 bytes: length byte, then the bytes.</summary>
    public void String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        if (count > 255)
            throw new ArgumentException("string longer than 255 UTF-8 bytes", nameof(value));
        Byte((byte)count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void Address(NodeAddress address)
    {
        String(address.Host);
        UInt16(address.Port);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Overwrites a big-endian u16 written earlier (a frame length known only after the body).</summary>
    public void PatchUInt16(int offset, int value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset, 2), checked((ushort)value));

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}

using System.Buffers.Binary;
using System.Text;

namespace Trove.Cluster.Wire;

/// <summary>
/// Reads the primitives <see cref="WireWriter"/> writes. Every method returns false instead of throwing when the
/// input is short or malformed, so hostile packets cost a failed parse and nothing else.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position == _data.Length;

    public bool TryByte(out byte value)
    {
        value = 0;
        if (_position >= _data.Length)
            return false;
        value = _data[_position++];
        return true;
    }

    public bool TryUInt16(out int value)
    {
        value = 0;
        if (_data.Length - _position < 2)
            return false;
        value = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return true;
    }

    public bool TryVarUInt(out uint value)
    {
        value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (!TryByte(out byte b))
                return false;
            if (shift == 28 && b > 0x0F)
                return false; // more than 32 bits
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }

    public bool TryVarULong(out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (!TryByte(out byte b))
                return false;
            if (shift == 63 && b > 0x01)
                return false; // more than 64 bits
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }

    public bool TryString(out string value)
    {
        value = "";
        if (!TryByte(out byte count) || _data.Length - _position < count)
            return false;
        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            return false;
        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    public bool TryAddress(out NodeAddress address)
    {
        address = default;
        if (!TryString(out string host) || !TryUInt16(out int port))
            return false;
        address = new NodeAddress(host, port);
        return true;
    }

    public bool TrySlice(int count, out ReadOnlySpan<byte> slice)
    {
        slice = default;
        if (count < 0 || _data.Length - _position < count)
            return false;
        slice = _data.Slice(_position, count);
        _position += count;
        return true;
    }
}

using System.Buffers.Binary;

namespace Trove.Protocol.Tests.Binary;

/// <summary>Request packets for the parser tests.</summary>
internal static class BinaryRequests
{
    public static byte[] Build(byte opcode, byte[] extras, byte[] key, byte[] value, uint opaque = 0, ulong cas = 0, byte magic = 0x80, uint? bodyLength = null)
    {
        var packet = new byte[24 + extras.Length + key.Length + value.Length];
        packet[0] = magic;
        packet[1] = opcode;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)key.Length);
        packet[4] = (byte)extras.Length;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), bodyLength ?? (uint)(extras.Length + key.Length + value.Length));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), opaque);
        BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(16), cas);
        extras.CopyTo(packet, 24);
        key.CopyTo(packet, 24 + extras.Length);
        value.CopyTo(packet, 24 + extras.Length + key.Length);
        return packet;
    }

    /// <summary>set "key" flags 0x01020304, exptime 0x0a0b0c0d, value "hello", opaque 0xdeadbeef, CAS 42.</summary>
    public static byte[] Set() => Build(0x01, [1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d], "key"u8.ToArray(), "hello"u8.ToArray(), 0xdeadbeef, 42);

    public static byte[] Get() => Build(0x00, [], "key"u8.ToArray(), [], 7);

    public static byte[] Noop() => Build(0x0a, [], [], [], 0xffffffff);

    public static byte[] Incr() => Build(0x05, new byte[20], "counter"u8.ToArray(), [], 1);
}

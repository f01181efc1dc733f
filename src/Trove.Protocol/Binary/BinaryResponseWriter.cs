using System.Buffers;
using System.Buffers.Binary;

namespace Trove.Protocol.Binary;

/// <summary>Writes binary response packets (header, extras, key, value) straight into the output.</summary>
public static class BinaryResponseWriter
{
    /// <summary>Writes a response header for a body of extras + key + <paramref name="valueLength"/> bytes; the caller writes the body.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, byte opcode, BinaryStatus status, uint opaque, ulong cas, int extrasLength, int keyLength, long valueLength)
    {
        var header = new BinaryHeader
        {
            Magic = BinaryHeader.ResponseMagic,
            Opcode = opcode,
            KeyLength = (ushort)keyLength,
            ExtrasLength = (byte)extrasLength,
            VBucketOrStatus = (ushort)status,
            BodyLength = (uint)(extrasLength + keyLength + valueLength),
            Opaque = opaque,
            Cas = cas,
        };
        header.Write(output.GetSpan(BinaryHeader.Size));
        output.Advance(BinaryHeader.Size);
    }

    /// <summary>A reply with no body (stored, deleted, noop, quit, flush).</summary>
    public static void WriteEmpty(IBufferWriter<byte> output, byte opcode, uint opaque, ulong cas) =>
        WriteHeader(output, opcode, BinaryStatus.Success, opaque, cas, 0, 0, 0);

    /// <summary>An error reply: the status and memcached's text for it; CAS 0.</summary>
    public static void WriteError(IBufferWriter<byte> output, byte opcode, BinaryStatus status, uint opaque)
    {
        ReadOnlySpan<byte> text = BinaryStatusText.Of(status);
        WriteHeader(output, opcode, status, opaque, 0, 0, 0, text.Length);
        output.Write(text);
    }

    /// <summary>A successful reply whose body is only a value (version, SASL mechanisms).</summary>
    public static void WriteValue(IBufferWriter<byte> output, byte opcode, uint opaque, ReadOnlySpan<byte> value)
    {
        WriteHeader(output, opcode, BinaryStatus.Success, opaque, 0, 0, 0, value.Length);
        output.Write(value);
    }

    /// <summary>A retrieval hit: 4 bytes of flags as extras, then the key (getk/gatk) and the value (not for touch).</summary>
    public static void WriteItem(IBufferWriter<byte> output, byte opcode, uint opaque, ulong cas, uint flags, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        WriteHeader(output, opcode, BinaryStatus.Success, opaque, cas, 4, key.Length, value.Length);
        Span<byte> extras = output.GetSpan(4);
        BinaryPrimitives.WriteUInt32BigEndian(extras, flags);
        output.Advance(4);
        output.Write(key);
        output.Write(value);
    }

    /// <summary>An incr/decr result: the new value as 8 bytes.</summary>
    public static void WriteCounter(IBufferWriter<byte> output, byte opcode, uint opaque, ulong cas, ulong value)
    {
        WriteHeader(output, opcode, BinaryStatus.Success, opaque, cas, 0, 0, 8);
        Span<byte> body = output.GetSpan(8);
        BinaryPrimitives.WriteUInt64BigEndian(body, value);
        output.Advance(8);
    }

    /// <summary>A getk/gatk miss: status "not found" with the key as the body and no text.</summary>
    public static void WriteKeyMiss(IBufferWriter<byte> output, byte opcode, uint opaque, ReadOnlySpan<byte> key)
    {
        WriteHeader(output, opcode, BinaryStatus.KeyNotFound, opaque, 0, 0, key.Length, 0);
        output.Write(key);
    }

    /// <summary>One stat packet: the name as key and the value; a stat sequence ends with an empty one (both empty).</summary>
    public static void WriteStat(IBufferWriter<byte> output, uint opaque, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        WriteHeader(output, (byte)BinaryOpcode.Stat, BinaryStatus.Success, opaque, 0, 0, name.Length, value.Length);
        output.Write(name);
        output.Write(value);
    }
}

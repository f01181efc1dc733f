using System.Buffers.Binary;
using System.Globalization;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// Builds binary request packets for scripts. In the corpus a line "&gt; opcode field=value ..." is one packet:
/// <code>
/// &gt; set key=a flags=5 exp=0 value=hello opaque=1
/// &gt; incr key=n delta=1 initial=10 exp=0xffffffff
/// &gt; getkq key=a
/// &gt; 0x50 bodylen=4 value=abcd          (an opcode by number)
/// </code>
/// Fields: key, value (escaped like the corpus: \x20 for a space), valuelen (that many bytes cycling a..z), flags,
/// exp, delta, initial, extras (hex; replaces the opcode's default extras), cas, opaque, magic, vbucket, type, and
/// keylen/extlen/bodylen to make the header lie about the bytes that follow. Default extras by opcode: set/add/replace
/// flags and exp (8 bytes), incr/decr delta, initial and exp (20), touch/gat/gatk exp (4), flush exp only when given.
/// </summary>
internal static class BinaryPacket
{
    private static readonly Dictionary<string, byte> Opcodes = new(StringComparer.Ordinal)
    {
        ["get"] = 0x00, ["set"] = 0x01, ["add"] = 0x02, ["replace"] = 0x03, ["delete"] = 0x04, ["incr"] = 0x05,
        ["decr"] = 0x06, ["quit"] = 0x07, ["flush"] = 0x08, ["getq"] = 0x09, ["noop"] = 0x0a, ["version"] = 0x0b,
        ["getk"] = 0x0c, ["getkq"] = 0x0d, ["append"] = 0x0e, ["prepend"] = 0x0f, ["stat"] = 0x10, ["setq"] = 0x11,
        ["addq"] = 0x12, ["replaceq"] = 0x13, ["deleteq"] = 0x14, ["incrq"] = 0x15, ["decrq"] = 0x16, ["quitq"] = 0x17,
        ["flushq"] = 0x18, ["appendq"] = 0x19, ["prependq"] = 0x1a, ["verbosity"] = 0x1b, ["touch"] = 0x1c, ["gat"] = 0x1d,
        ["gatq"] = 0x1e, ["sasl-list"] = 0x20, ["sasl-auth"] = 0x21, ["sasl-step"] = 0x22, ["gatk"] = 0x23, ["gatkq"] = 0x24,
    };

    /// <summary>The packet described by a corpus line (without its leading "&gt; ").</summary>
    public static byte[] Parse(string spec)
    {
        string[] words = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new FormatException("empty packet line");
        }

        byte opcode = words[0].StartsWith("0x", StringComparison.Ordinal)
            ? byte.Parse(words[0].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : Opcodes.TryGetValue(words[0], out byte known) ? known : throw new FormatException($"unknown opcode '{words[0]}'");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string word in words.Skip(1))
        {
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(word[..equals], word[(equals + 1)..]))
            {
                throw new FormatException($"bad or repeated field '{word}'");
            }
        }

        byte[] key = fields.Remove("key", out string? keyText) ? ByteText.Unescape(keyText) : [];
        byte[] value = fields.Remove("value", out string? valueText) ? ByteText.Unescape(valueText)
            : fields.Remove("valuelen", out string? lengthText) ? Cycle((int)Number(lengthText)) : [];
        byte[] extras = fields.Remove("extras", out string? hex) ? Convert.FromHexString(hex) : DefaultExtras(opcode, fields);
        var packet = new byte[24 + extras.Length + key.Length + value.Length];
        Span<byte> header = packet;
        header[0] = (byte)Take(fields, "magic", 0x80);
        header[1] = opcode;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)Take(fields, "keylen", (ulong)key.Length));
        header[4] = (byte)Take(fields, "extlen", (ulong)extras.Length);
        header[5] = (byte)Take(fields, "type", 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)Take(fields, "vbucket", 0));
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)Take(fields, "bodylen", (ulong)(extras.Length + key.Length + value.Length)));
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], (uint)Take(fields, "opaque", 0));
        BinaryPrimitives.WriteUInt64BigEndian(header[16..], Take(fields, "cas", 0));
        if (fields.Count > 0)
        {
            throw new FormatException($"fields not used by '{words[0]}': {string.Join(", ", fields.Keys)}");
        }

        extras.CopyTo(packet, 24);
        key.CopyTo(packet, 24 + extras.Length);
        value.CopyTo(packet, 24 + extras.Length + key.Length);
        return packet;
    }

    /// <summary>Builds a packet from C# (generated cases, fuzzing).</summary>
    public static byte[] Of(string opcode, string? key = null, byte[]? value = null, string fields = "")
    {
        byte[] packet = Parse($"{opcode} {fields}");
        if (key is null && value is null)
        {
            return packet;
        }

        // Rebuild with the key and value spliced in (they may hold bytes the line syntax would need escaped).
        byte[] keyBytes = key is null ? [] : System.Text.Encoding.Latin1.GetBytes(key);
        byte[] valueBytes = value ?? [];
        int extras = packet[4];
        byte[] result = [.. packet.AsSpan(0, 24 + extras), .. keyBytes, .. valueBytes];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)keyBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8), (uint)(extras + keyBytes.Length + valueBytes.Length));
        return result;
    }

    private static byte[] DefaultExtras(byte opcode, Dictionary<string, string> fields)
    {
        switch (opcode)
        {
            case 0x01 or 0x02 or 0x03 or 0x11 or 0x12 or 0x13:
            {
                var extras = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(extras, (uint)Take(fields, "flags", 0));
                BinaryPrimitives.WriteUInt32BigEndian(extras.AsSpan(4), (uint)Take(fields, "exp", 0));
                return extras;
            }
            case 0x05 or 0x06 or 0x15 or 0x16:
            {
                var extras = new byte[20];
                BinaryPrimitives.WriteUInt64BigEndian(extras, Take(fields, "delta", 0));
                BinaryPrimitives.WriteUInt64BigEndian(extras.AsSpan(8), Take(fields, "initial", 0));
                BinaryPrimitives.WriteUInt32BigEndian(extras.AsSpan(16), (uint)Take(fields, "exp", 0));
                return extras;
            }
            case 0x1c or 0x1d or 0x1e or 0x23 or 0x24:
            {
                var extras = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(extras, (uint)Take(fields, "exp", 0));
                return extras;
            }
            case 0x08 or 0x18 when fields.ContainsKey("exp"):
            {
                var extras = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(extras, (uint)Take(fields, "exp", 0));
                return extras;
            }
            default:
                return [];
        }
    }

    private static ulong Take(Dictionary<string, string> fields, string name, ulong fallback) =>
        fields.Remove(name, out string? text) ? Number(text) : fallback;

    private static ulong Number(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static byte[] Cycle(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }
}

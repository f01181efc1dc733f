using System.Buffers.Binary;
using System.Globalization;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// Binary inputs for the fuzzer: valid binary packets (every opcode family, quiet forms, stats groups) mutated by bit
/// flips, truncation, duplication, inserted and deleted bytes, and header lengths (key, extras, body) replaced by
/// boundary values. Flush is never sent: it would wipe the control items the test checks afterwards.
/// </summary>
internal static class BinaryFuzzInput
{
    private static readonly string[] _templates =
    [
        "set flags=5 exp=0 value=hello", "setq flags=1 exp=1000 value=abc", "add value=hi", "addq value=hi",
        "replace flags=9 value=abcd", "replaceq value=x", "append value=xyz", "appendq value=xyz", "prepend value=xyz",
        "prependq value=q", "set value=v cas=3", "get", "getq", "getk", "getkq", "delete", "deleteq", "delete cas=2",
        "incr delta=5 initial=1 exp=0", "incrq delta=1 exp=0xffffffff", "decr delta=3 initial=10 exp=100", "decrq delta=1",
        "touch exp=100", "gat exp=100", "gatq exp=0", "gatk exp=100", "gatkq exp=1", "noop", "version", "stat",
        "stat key=items", "stat key=slabs", "stat key=settings", "stat key=detail\\x20dump", "sasl-list",
        "sasl-auth key=PLAIN value=\\0a\\0b", "verbosity extras=00000001", "0x50 value=abcd", "quit", "quitq",
    ];

    private static readonly uint[] _lengths = [0, 1, 2, 4, 8, 20, 250, 251, 255, 65535, 1048576, 1048577, 0x7fffffff, 0x80000000, 0xffffffff];

    public static byte[] Next(Random random)
    {
        var bytes = new List<byte>();
        int requests = random.Next(1, 7);
        for (int i = 0; i < requests; i++)
        {
            string template = _templates[random.Next(_templates.Length)];
            bool keyed = !template.StartsWith("noop", StringComparison.Ordinal) && !template.StartsWith("version", StringComparison.Ordinal)
                && !template.StartsWith("stat", StringComparison.Ordinal) && !template.StartsWith("sasl", StringComparison.Ordinal)
                && !template.StartsWith("verbosity", StringComparison.Ordinal) && !template.StartsWith("quit", StringComparison.Ordinal)
                && !template.StartsWith("0x", StringComparison.Ordinal);
            string key = keyed ? $" key={FuzzInput.KeyPrefix}{random.Next(16).ToString(CultureInfo.InvariantCulture)}" : "";
            int space = template.IndexOf(' ', StringComparison.Ordinal);
            string line = space < 0 ? template + key : template[..space] + key + template[space..];
            bytes.AddRange(BinaryPacket.Parse(line));
        }

        int mutations = random.Next(0, 4);
        for (int i = 0; i < mutations && bytes.Count > 0; i++)
        {
            ByteMutation.Apply(random, bytes, static r => (byte)r.Next(256), ReplaceLength);
        }

        NoFlush(bytes);
        return [.. bytes];
    }

    /// <summary>Sets the key, extras or body length of the first packet to a boundary value.</summary>
    private static void ReplaceLength(Random random, List<byte> bytes)
    {
        if (bytes.Count < 24)
        {
            return;
        }

        Span<byte> header = stackalloc byte[24];
        for (int i = 0; i < 24; i++)
        {
            header[i] = bytes[i];
        }

        uint value = _lengths[random.Next(_lengths.Length)];
        switch (random.Next(3))
        {
            case 0:
                BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)value);
                break;
            case 1:
                header[4] = (byte)value;
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(header[8..], value);
                break;
        }

        for (int i = 0; i < 24; i++)
        {
            bytes[i] = header[i];
        }
    }

    /// <summary>Turns any byte pair that could start a flush header (0x80 then 0x08 or 0x18) into a get.</summary>
    private static void NoFlush(List<byte> bytes)
    {
        for (int i = 0; i + 1 < bytes.Count; i++)
        {
            if (bytes[i] == 0x80 && bytes[i + 1] is 0x08 or 0x18)
            {
                bytes[i + 1] = 0x00;
            }
        }
    }
}

using System.Globalization;
using Trove.Server.Tests.Infrastructure;
using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    /// <summary>
    /// Binary cases too large or too regular for corpus/binary.txt: values and keys holding every byte value, the item
    /// size limit (the same as in text: a binary value is stored with the same two extra bytes), and seeded pipelines of
    /// every opcode with quiet forms.
    /// </summary>
    private static IEnumerable<DifferentialCase> BinaryGenerated()
    {
        byte[] everyByte = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];
        yield return Binary("binary-generated/a value with every byte value",
            BinaryPacket.Of("set", "bin", everyByte, "flags=1"), BinaryPacket.Of("getk", "bin"), BinaryPacket.Of("append", "bin", everyByte), BinaryPacket.Of("get", "bin"));
        string keyBytes = new([.. Enumerable.Range(1, 250).Select(b => (char)b)]);
        yield return Binary("binary-generated/a key of bytes 0x01..0xfa (binary keys may hold spaces and newlines)",
            BinaryPacket.Of("set", keyBytes, Value(10)), BinaryPacket.Of("getk", keyBytes), BinaryPacket.Of("delete", keyBytes), BinaryPacket.Of("getk", keyBytes));
        yield return Binary("binary-generated/largest value that fits (1048516 bytes, flags 0)",
            BinaryPacket.Of("set", "k", Value(1048516)), BinaryPacket.Of("stat", fields: "key=sizes"), BinaryPacket.Of("getk", "k"));
        yield return Binary("binary-generated/one byte more than fits (1048517 bytes) is swallowed",
            BinaryPacket.Of("set", "k", Value(3)), BinaryPacket.Of("set", "k", Value(1048517)), BinaryPacket.Of("getk", "k"), BinaryPacket.Of("get", "after"));
        yield return Binary("binary-generated/largest value with flags (1048512 bytes)",
            BinaryPacket.Of("set", "k", Value(1048512), "flags=1"), BinaryPacket.Of("setq", "k", Value(1048513), "flags=1"), BinaryPacket.Of("getk", "k"));
        yield return Binary("binary-generated/append past the limit is not stored",
            BinaryPacket.Of("set", "k", Value(1048000)), BinaryPacket.Of("append", "k", Value(1000)), BinaryPacket.Of("appendq", "k", Value(1000)), BinaryPacket.Of("get", "k"));
        yield return Binary("binary-generated/2 MB value with -I 4m is stored",
            BinaryPacket.Of("set", "k", Value(2 << 20)), BinaryPacket.Of("getk", "k")) with
        {
            Settings = ServerSettings.Default with { MaxItemSizeBytes = 4 << 20 },
        };
        foreach (int seed in (int[])[1, 2, 3])
        {
            yield return Binary($"binary-generated/100 mixed binary commands, seed {seed}", BinaryMix(seed, 100));
        }

        yield return Binary("binary-generated/300 quiet sets and gets, one noop", [.. Enumerable.Range(0, 300).SelectMany(i =>
            i % 2 == 0
                ? BinaryPacket.Of("setq", $"q{i % 40}", Text(i.ToString(CultureInfo.InvariantCulture)), $"flags={i}")
                : BinaryPacket.Of("getkq", $"q{(i * 7) % 50}"))]);
    }

    private static DifferentialCase Binary(string name, params byte[][] packets) => new(name, [Concat(packets)]) { Binary = true };

    private static byte[] BinaryMix(int seed, int count)
    {
        var random = new Random(seed);
        var script = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            string key = $"p{random.Next(6)}";
            byte[] value = random.Next(3) == 0 ? Text(random.Next(1000).ToString(CultureInfo.InvariantCulture)) : Value(random.Next(0, 12));
            string quiet = random.Next(4) == 0 ? "q" : "";
            string flags = $"flags={(random.Next(3) == 0 ? random.Next(70000) : 0)}";
            string cas = random.Next(5) == 0 ? $" cas={random.Next(1, 40)}" : "";
            script.AddRange(random.Next(16) switch
            {
                0 => BinaryPacket.Of("set" + quiet, key, value, flags + cas),
                1 => BinaryPacket.Of("add" + quiet, key, value, flags),
                2 => BinaryPacket.Of("replace" + quiet, key, value, flags + cas),
                3 => BinaryPacket.Of("append" + quiet, key, value, cas),
                4 => BinaryPacket.Of("prepend" + quiet, key, value),
                5 => BinaryPacket.Of(random.Next(2) == 0 ? "get" + quiet : "getk" + quiet, key),
                6 => BinaryPacket.Of("delete" + quiet, key, fields: cas),
                7 => BinaryPacket.Of("incr" + quiet, key, fields: $"delta={random.Next(100)} initial={random.Next(100)} exp={(random.Next(2) == 0 ? "0" : "0xffffffff")}"),
                // Delta 0: a shrinking number right after a read is not deterministic in memcached (see arithmetic.txt).
                8 => BinaryPacket.Of("decr" + quiet, key, fields: "delta=0 exp=0xffffffff"),
                9 => BinaryPacket.Of("touch", key, fields: $"exp={random.Next(1000, 5000)}"),
                10 => BinaryPacket.Of(random.Next(2) == 0 ? "gat" + quiet : "gatk" + quiet, key, fields: $"exp={random.Next(1000, 5000)}"),
                11 => BinaryPacket.Of("noop", fields: $"opaque={random.Next()}"),
                12 => BinaryPacket.Of("version"),
                13 => BinaryPacket.Of("0x" + random.Next(0x25, 0x100).ToString("x2", CultureInfo.InvariantCulture), fields: $"opaque={i}"),
                _ => BinaryPacket.Of(random.Next(2) == 0 ? "getkq" : "getq", $"p{random.Next(6)}", fields: $"opaque={i}"),
            });
        }

        return [.. script];
    }
}

using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    /// <summary>
    /// Fixed junk (never random, so a failure reproduces): every byte value, and bytes from a fixed xorshift
    /// sequence cut into lines. No script starts with 0x80, which would make memcached speak its binary protocol.
    /// </summary>
    private static IEnumerable<DifferentialCase> Garbage()
    {
        byte[] everyByte = [.. Enumerable.Range(1, 255).Select(b => (byte)b)];
        byte[] probe = Text("set ok 0 0 2\r\nok\r\nget ok\r\n");
        yield return DifferentialCase.Of("garbage/every byte value 0x01..0xff, then a valid command", Concat(everyByte, Text("\r\n"), probe));
        yield return DifferentialCase.Of("garbage/every byte value from 0x00, then a valid command", Concat([0], everyByte, Text("\r\n"), probe));
        yield return DifferentialCase.Of("garbage/xorshift junk lines, then a valid command", Concat(XorshiftLines(0x2545F491u, 1200), Text("\r\n"), probe));
        yield return DifferentialCase.Of("garbage/xorshift junk after a set header (bad data chunk)", Concat(Text("set g 0 0 40\r\n"), XorshiftLines(0x9E3779B9u, 200), Text("\r\n"), probe));
        yield return DifferentialCase.Of("garbage/high bytes as a command", Text("\xff\xfe\xfd \xc0\xc1 \x9f\x80\r\n"), probe);
    }

    /// <summary>A fixed pseudo-random byte sequence; a "\r\n" every 50 bytes keeps each junk line below memcached's 2048-byte limit.</summary>
    private static byte[] XorshiftLines(uint state, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = i % 50 == 48 ? (byte)'\r' : i % 50 == 49 ? (byte)'\n' : (byte)state;
        }

        if (bytes[0] == 0x80)
        {
            bytes[0] = 0x7f;
        }

        return bytes;
    }
}

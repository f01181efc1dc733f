using System.Globalization;
using System.Text;

namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// Inputs for the fuzzer: random bytes, and valid requests mutated by bit flips, truncation, duplication,
/// inserted and deleted bytes, and changed numbers (lengths, flags, exptimes, deltas).
/// </summary>
internal static class FuzzInput
{
    /// <summary>Keys of the fuzzer's own requests; the control items the test checks afterwards use another prefix.</summary>
    public const string KeyPrefix = "fz:";

    private static readonly string[] _templates =
    [
        "set {k} 0 0 5\r\nhello\r\n",
        "set {k} 123 1000 3 noreply\r\nabc\r\n",
        "add {k} 0 0 2\r\nhi\r\n",
        "replace {k} 5 0 4\r\nabcd\r\n",
        "append {k} 0 0 3\r\nxyz\r\n",
        "prepend {k} 0 0 3\r\nxyz\r\n",
        "cas {k} 0 0 1 3\r\nx\r\n",
        "get {k}\r\n",
        "get {k} {k} {k}\r\n",
        "gets {k}\r\n",
        "gat 100 {k}\r\n",
        "gats 100 {k} {k}\r\n",
        "incr {k} 5\r\n",
        "decr {k} 3\r\n",
        "delete {k}\r\n",
        "delete {k} noreply\r\n",
        "touch {k} 100\r\n",
        "mg {k} v f t c k s O12 q\r\n",
        "mg {k} N30 v c\r\n",
        "ms {k} 3 T100 F7 c\r\nabc\r\n",
        "ms {k} 2 MA q\r\nzz\r\n",
        "md {k} q\r\n",
        "md {k} I T30\r\n",
        "ma {k} N0 J5 D2 v t\r\n",
        "me {k}\r\n",
        "mn\r\n",
        "version\r\n",
        "verbosity 0\r\n",
        "stats\r\n",
        "stats items\r\n",
        "stats slabs\r\n",
        "quit\r\n",
        "bogus command\r\n",
        "\r\n",
    ];

    private static readonly byte[] _insertions = [0, (byte)'\r', (byte)'\n', (byte)' ', 0x80, 0xff];

    private static readonly string[] _numbers = ["0", "-1", "1", "2", "255", "4294967295", "4294967296", "2147483647", "2147483648", "1048576", "1048577", "99999999999999999999", "18446744073709551615", "", "+5", "0x10", "1e3"];

    /// <summary>Random bytes, mutated binary requests or mutated text requests (binary when the first byte is 0x80).</summary>
    public static byte[] Next(Random random) => random.Next(4) switch
    {
        0 => RandomBytes(random),
        1 => BinaryFuzzInput.Next(random),
        _ => MutatedRequests(random),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 2049)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0)
        {
            bytes[0] = 0x80; // half of the junk goes to the binary protocol
            NoBinaryFlush(bytes);
        }
        return bytes;
    }

    /// <summary>Random junk on a binary connection must not flush: it would wipe the control items.</summary>
    private static void NoBinaryFlush(byte[] bytes)
    {
        for (int i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == 0x80 && bytes[i + 1] is 0x08 or 0x18)
            {
                bytes[i + 1] = 0;
            }
        }
    }

    private static byte[] MutatedRequests(Random random)
    {
        var text = new StringBuilder();
        int requests = random.Next(1, 6);
        for (int i = 0; i < requests; i++)
        {
            string key = KeyPrefix + random.Next(16).ToString(CultureInfo.InvariantCulture);
            text.Append(_templates[random.Next(_templates.Length)].Replace("{k}", key, StringComparison.Ordinal));
        }

        List<byte> bytes = [.. Encoding.ASCII.GetBytes(text.ToString())];
        int mutations = random.Next(0, 4);
        for (int i = 0; i < mutations && bytes.Count > 0; i++)
        {
            ByteMutation.Apply(random, bytes, static r => _insertions[r.Next(_insertions.Length)], ReplaceNumber);
        }

        return [.. bytes];
    }

    /// <summary>Replaces one run of digits (a length, flags, exptime, CAS or delta) by a boundary value.</summary>
    private static void ReplaceNumber(Random random, List<byte> bytes)
    {
        var runs = new List<(int Start, int Length)>();
        for (int i = 0; i < bytes.Count; i++)
        {
            if (!char.IsAsciiDigit((char)bytes[i]))
            {
                continue;
            }

            int start = i;
            while (i < bytes.Count && char.IsAsciiDigit((char)bytes[i]))
            {
                i++;
            }

            runs.Add((start, i - start));
        }

        if (runs.Count == 0)
        {
            return;
        }

        (int runStart, int runLength) = runs[random.Next(runs.Count)];
        bytes.RemoveRange(runStart, runLength);
        bytes.InsertRange(runStart, Encoding.ASCII.GetBytes(_numbers[random.Next(_numbers.Length)]));
    }
}

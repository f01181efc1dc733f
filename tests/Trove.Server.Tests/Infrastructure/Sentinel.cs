namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// The end-of-script marker: the harness appends "mn\r\n" (meta no-op) to a script and reads until the server has
/// answered every "mn" line in it with "MN\r\n". memcached answers mn in order, after everything sent before it.
/// </summary>
internal static class Sentinel
{
    public static ReadOnlySpan<byte> Request => "mn\r\n"u8;

    public static ReadOnlySpan<byte> Reply => "MN\r\n"u8;

    /// <summary>How many lines of the script are exactly "mn" (ended by \r\n or \n).</summary>
    public static int CountRequests(ReadOnlySpan<byte> script)
    {
        int count = 0;
        int lineStart = 0;
        while (lineStart < script.Length)
        {
            int newline = script[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            ReadOnlySpan<byte> line = script.Slice(lineStart, newline);
            if (line.SequenceEqual("mn"u8) || line.SequenceEqual("mn\r"u8))
            {
                count++;
            }

            lineStart += newline + 1;
        }

        return count;
    }

    /// <summary>How many "MN\r\n" lines a reply holds (at the start or right after a "\n").</summary>
    public static int CountReplies(ReadOnlySpan<byte> reply)
    {
        int count = 0;
        int from = 0;
        while (true)
        {
            int at = reply[from..].IndexOf(Reply);
            if (at < 0)
            {
                return count;
            }

            int position = from + at;
            if (position == 0 || reply[position - 1] == (byte)'\n')
            {
                count++;
            }

            from = position + 1;
        }
    }
}

using System.Globalization;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// Compares two masked replies line by line. One tolerance, for one reason: a remaining-TTL or last-access
/// number (meta flags "t" and "l", and "exp=" / "la=" in "me" output) may differ by one second, because each server's
/// clock ticks on its own and a tick can fall between the store and the read on one server and not the other.
/// </summary>
internal static class ReplyComparer
{
    /// <summary>Null when equal; otherwise the index of the first line that differs.</summary>
    public static int? FirstDifference(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        int common = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < common; i++)
        {
            if (!LinesMatch(expected[i], actual[i]))
            {
                return i;
            }
        }

        return expected.Count == actual.Count ? null : common;
    }

    public static bool LinesMatch(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }

        if (!IsMetaReply(expected) || !expected.EndsWith("\r\n", StringComparison.Ordinal) || !actual.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return false;
        }

        string[] left = expected[..^2].Split(' ');
        string[] right = actual[..^2].Split(' ');
        return left.Length == right.Length && left.Zip(right).All(pair => TokensMatch(pair.First, pair.Second));
    }

    private static bool IsMetaReply(string line) =>
        line.Length >= 2 && line[..2] is "VA" or "HD" or "EN" or "NF" or "NS" or "EX" or "ME" && (line.Length == 2 || line[2] is ' ' or '\r');

    private static bool TokensMatch(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }

        foreach (string prefix in (string[])["t", "l", "exp=", "la="])
        {
            if (expected.StartsWith(prefix, StringComparison.Ordinal) && actual.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(expected.AsSpan(prefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long left)
                && long.TryParse(actual.AsSpan(prefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long right))
            {
                // -1 means "never expires" and must match exactly.
                return left != -1 && right != -1 && Math.Abs(left - right) <= 1;
            }
        }

        return false;
    }
}

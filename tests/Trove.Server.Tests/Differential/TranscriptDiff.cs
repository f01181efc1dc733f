using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>A failure message: both masked replies, escaped, around the first line that differs.</summary>
internal static class TranscriptDiff
{
    private const int Context = 8;

    public static string Describe(string caseName, Transcript expected, Transcript actual, string candidateName)
    {
        List<string> left = [.. ReplyMask.Lines(ReplyMask.Apply(expected.Reply))];
        List<string> right = [.. ReplyMask.Lines(ReplyMask.Apply(actual.Reply))];
        int first = ReplyComparer.FirstDifference(left, right) ?? Math.Min(left.Count, right.Count);

        var message = new StringBuilder();
        message.AppendLine($"{caseName}: {candidateName} differs from memcached at reply line {first + 1}");
        Append(message, "memcached", expected.End, left, first);
        Append(message, candidateName, actual.End, right, first);
        return message.ToString();
    }

    private static void Append(StringBuilder message, string who, ExchangeEnd end, List<string> lines, int first)
    {
        message.AppendLine($"--- {who} ({lines.Count} lines, ended by {end}):");
        int from = Math.Max(0, first - Context);
        int to = Math.Min(lines.Count, first + Context + 1);
        if (from > 0)
        {
            message.AppendLine($"      ... {from} lines");
        }

        for (int i = from; i < to; i++)
        {
            string marker = i == first ? ">>" : "  ";
            string line = lines[i].Length > 300 ? lines[i][..300] + $"... ({lines[i].Length} chars)" : lines[i];
            message.AppendLine($"{marker}{i + 1,4} {ByteText.Escape(Encoding.Latin1.GetBytes(line))}");
        }

        if (to < lines.Count)
        {
            message.AppendLine($"      ... {lines.Count - to} more lines");
        }
    }
}

using System.Globalization;

namespace Trove.Storage.Persistence;

/// <summary>A segment file found in the log directory.</summary>
public readonly record struct SegmentFile(ulong Sequence, string Name);

/// <summary>Segment file names: <c>log-&lt;16 lowercase hex digits of the sequence&gt;.trv</c>; temporaries end in <c>.tmp</c>.</summary>
public static class SegmentFiles
{
    private const string Prefix = "log-";
    private const string Suffix = ".trv";

    /// <summary>Suffix of files being written that are not yet part of the log (compaction output); recovery deletes them.</summary>
    public const string TempSuffix = ".tmp";

    public static string NameOf(ulong sequence) => Prefix + sequence.ToString("x16", CultureInfo.InvariantCulture) + Suffix;

    public static string PathOf(string directory, ulong sequence) => Path.Combine(directory, NameOf(sequence));

    /// <summary>Parses a segment name; false for anything else (including upper-case hex, so each sequence has one name).</summary>
    public static bool TryParse(string name, out ulong sequence)
    {
        sequence = 0;
        if (name.Length != Prefix.Length + 16 + Suffix.Length
            || !name.StartsWith(Prefix, StringComparison.Ordinal)
            || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> hex = name.AsSpan(Prefix.Length, 16);
        foreach (char c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>The segments in <paramref name="directory"/>, by ascending sequence.</summary>
    public static List<SegmentFile> List(IFileSystem fileSystem, string directory)
    {
        var segments = new List<SegmentFile>();
        foreach (string name in fileSystem.ListFiles(directory))
        {
            if (TryParse(name, out ulong sequence))
            {
                segments.Add(new SegmentFile(sequence, name));
            }
        }

        segments.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return segments;
    }
}

namespace Trove.Storage.Persistence;

/// <summary>
/// When to compact, so that disk use stays within a stated factor of live data:
/// <c>log bytes ≤ Factor × max(live bytes, MinimumBytes) + one segment</c>, where live bytes is what the live items
/// take as Set records. After a compaction the sealed segments hold only live records, so the log is back to about
/// live bytes plus the active segment; it grows again only by appends.
/// </summary>
public sealed class CompactionTrigger
{
    /// <remarks>Defaults to 2: the log may reach twice the live data before it is rewritten (each record is
    /// rewritten at most about once per doubling, which bounds the write amplification to about 2).</remarks>
    public double Factor { get; init; } = 2.0;

    /// <summary>Below this many bytes of log, never compact: a small log is cheap to replay.</summary>
    /// <remarks>Defaults to 64 MiB, one segment.</remarks>
    public long MinimumBytes { get; init; } = 64L << 20;

    /// <summary>True when the log (all segments) has outgrown the bound and there is at least one sealed segment.</summary>
    public bool ShouldCompact(long logBytes, long liveBytes, int sealedSegments) =>
        sealedSegments > 0 && logBytes > Factor * Math.Max(liveBytes, MinimumBytes);

    /// <summary>Total size of the segment files in <paramref name="directory"/>.</summary>
    public static long LogBytes(IFileSystem fileSystem, string directory)
    {
        long total = 0;
        foreach (SegmentFile segment in SegmentFiles.List(fileSystem, directory))
        {
            total += fileSystem.GetLength(Path.Combine(directory, segment.Name));
        }

        return total;
    }
}

namespace Trove.Storage.Persistence;

/// <summary>When the log is fsynced; named after Redis's <c>appendfsync</c>.</summary>
public enum FsyncPolicy
{
    /// <summary>An append completes only after an fsync covering it (group commit: one fsync serves every record
    /// appended before it started). Nothing acknowledged is lost, even to a power failure.</summary>
    Always,

    /// <summary>An append completes once its bytes are written to the OS; a background fsync runs every second.
    /// A killed process loses nothing acknowledged; a power failure loses at most about the last second.</summary>
    EverySecond,

    /// <summary>An append completes once written to the OS; the OS decides when to write back (only segment
    /// rotation and shutdown fsync). A killed process loses nothing acknowledged; a power failure may lose more.</summary>
    No,
}

/// <summary>Settings of a <see cref="LogWriter"/>.</summary>
public sealed class LogWriterOptions
{
    /// <remarks>Defaults to <see cref="FsyncPolicy.EverySecond"/>, as Redis's appendfsync.</remarks>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.EverySecond;

    /// <summary>Once the active segment reaches this size, the next record goes to a new segment.</summary>
    /// <remarks>Defaults to 64 MiB. A segment exceeds it by at most one record.</remarks>
    public long SegmentSizeLimit { get; init; } = 64L << 20;

    /// <summary>The period of the background fsync under <see cref="FsyncPolicy.EverySecond"/>.</summary>
    /// <remarks>Defaults to 1 second.</remarks>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);
}

namespace Trove.Storage.Persistence;

/// <summary>Why a <see cref="LogWriter"/> stopped accepting appends.</summary>
public enum LogFailureKind
{
    /// <summary>A write to the segment failed (other than a full disk).</summary>
    WriteFailed,

    /// <summary>An fsync failed. After a failed fsync the kernel may have dropped the dirty pages (Linux marks them
    /// clean), so retrying could report success for data that is gone: the writer never retries.</summary>
    SyncFailed,

    /// <summary>No space left on the device (or quota exceeded), on write or fsync.</summary>
    DiskFull,

    /// <summary>The writer was disposed.</summary>
    Closed,
}

/// <summary>
/// Thrown by (and faulting the tasks of) a <see cref="LogWriter"/> in the failed state. The server maps it to
/// <c>SERVER_ERROR</c>; <see cref="Kind"/> tells a full disk from other failures. The failed state is permanent for
/// the writer: the records it did not acknowledge may or may not be on disk, and only a restart (recovery truncates
/// a torn tail) establishes what is.
/// </summary>
public sealed class LogWriteFailedException : IOException
{
    public LogWriteFailedException(LogFailureKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public LogFailureKind Kind { get; }
}

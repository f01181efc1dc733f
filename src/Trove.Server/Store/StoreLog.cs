using Microsoft.Extensions.Logging;

namespace Trove.Server.Store;

/// <summary>Source-generated log messages of store mode. Nothing here is logged per request.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(101, LogLevel.Information, "Store mode: replayed {Records} records from {Segments} segments of {Directory} in {Seconds:F3} s (fsync {Fsync}); next segment {Next}")]
    public static partial void Recovered(ILogger logger, long records, int segments, string directory, double seconds, string fsync, ulong next);

    [LoggerMessage(102, LogLevel.Warning, "Store mode: truncated a torn tail of {File}: {Bytes} bytes, {Records} records ({Reason}); they were never acknowledged")]
    public static partial void Truncated(ILogger logger, string file, long bytes, int records, string reason);

    [LoggerMessage(103, LogLevel.Information, "Store mode: deleted {Superseded} superseded segments and {Temp} unfinished compaction files")]
    public static partial void CleanedUp(ILogger logger, int superseded, int temp);

    [LoggerMessage(104, LogLevel.Error, "Store mode: the log is damaged: {File} at offset {Offset}: {Problem}; refusing to start")]
    public static partial void Corrupt(ILogger logger, string? file, long offset, string? problem);

    [LoggerMessage(105, LogLevel.Warning, "Store mode: {NotLoaded} recovered items did not fit in memory or under the item size limit and were not loaded")]
    public static partial void NotLoaded(ILogger logger, long notLoaded);

    [LoggerMessage(106, LogLevel.Error, "Store mode: the log writer failed ({Kind}); every write is now refused until a restart")]
    public static partial void WriterFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(107, LogLevel.Information, "Store mode: compacted {Inputs} segments ({InputBytes} bytes) into {OutputBytes} bytes; kept {Kept} records, dropped {Dropped}")]
    public static partial void Compacted(ILogger logger, int inputs, long inputBytes, long outputBytes, long kept, long dropped);

    [LoggerMessage(108, LogLevel.Warning, "Store mode: compaction failed; the log is unchanged and recoverable")]
    public static partial void CompactionFailed(ILogger logger, Exception exception);

    [LoggerMessage(109, LogLevel.Error, "Store mode: a value on disk could not be read (file {File}, offset {Offset}): {Problem}; the request got SERVER_ERROR")]
    public static partial void ValueReadFailed(ILogger logger, uint file, uint offset, string problem);
}

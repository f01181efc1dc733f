using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// What a write command gets once the log writer has failed (its failed state is permanent until a restart, as for
/// Redis's MISCONF): an error before anything changes, never a success that is not on disk.
/// </summary>
internal static class WriteRefusal
{
    private static ReadOnlySpan<byte> DiskFull => "SERVER_ERROR out of disk space\r\n"u8;

    private static ReadOnlySpan<byte> LogFailed => "SERVER_ERROR log write failed\r\n"u8;

    /// <summary>Empty while writes are accepted (always in cache mode); otherwise the whole reply line.</summary>
    public static ReadOnlySpan<byte> For(Memcache.ServerContext context) =>
        context.Store?.RefusingWrites is not { } failure ? default
        : failure.Kind == LogFailureKind.DiskFull ? DiskFull : LogFailed;
}

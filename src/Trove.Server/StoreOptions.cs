using Trove.Storage.Persistence;

namespace Trove.Server;

/// <summary>
/// Store mode settings ("Store:..." in configuration; --mode, --data-dir, --fsync). In cache mode (the default) nothing
/// touches the disk; in store mode every change is appended to a log in <see cref="DataDir"/> and replayed at start-up
/// (docs/STORE.md, "In the node").
/// </summary>
public sealed class StoreOptions
{
    /// <summary>"cache" or "store". <remarks>Defaults to "cache".</remarks></summary>
    public string Mode { get; set; } = "cache";

    /// <summary>Directory of the log; required in store mode, created if missing. <remarks>Defaults to none.</remarks></summary>
    public string? DataDir { get; set; }

    /// <summary>"always", "everysec" or "no" (as Redis's appendfsync). <remarks>Defaults to "everysec".</remarks></summary>
    public string Fsync { get; set; } = "everysec";

    /// <summary>Seconds between checks whether the log should be compacted. <remarks>Defaults to 5.</remarks></summary>
    public int CompactionCheckSeconds { get; set; } = 5;

    /// <summary>Segment size limit in bytes (configuration only; tests make it small). <remarks>Defaults to 64 MiB.</remarks></summary>
    public long SegmentSizeBytes { get; set; } = 64L << 20;

    /// <summary>Below this many bytes of log, never compact (configuration only). <remarks>Defaults to 64 MiB.</remarks></summary>
    public long CompactionMinimumBytes { get; set; } = 64L << 20;

    /// <summary>Where the log's files are read and written; null = the real disk. Tests inject failures here.
    /// Internal, so configuration never binds it.</summary>
    internal IFileSystem? FileSystem { get; init; }

    /// <summary>Whether store mode is on (valid settings only).</summary>
    public bool Enabled => string.Equals(Mode, "store", StringComparison.OrdinalIgnoreCase);

    /// <summary>The parsed <see cref="Fsync"/> (valid settings only).</summary>
    public FsyncPolicy FsyncPolicy => Fsync.ToLowerInvariant() switch
    {
        "always" => FsyncPolicy.Always,
        "no" => FsyncPolicy.No,
        _ => FsyncPolicy.EverySecond,
    };

    /// <summary>The name stats shows for the policy (the option's spelling).</summary>
    public string FsyncName => FsyncPolicy switch
    {
        FsyncPolicy.Always => "always",
        FsyncPolicy.No => "no",
        _ => "everysec",
    };

    /// <summary>
    /// Null when the engine's key limit (--max-key-length) is usable in this mode, else what is wrong (the executable
    /// exits 64 with it). Keys above memcached's 250 bytes are for store mode only: a cache node stays a byte-for-byte
    /// memcached. The meta and binary protocols carry the longer keys; the classic text commands keep 250.
    /// </summary>
    public string? ValidateMaxKeyLength(int maxKeyLength)
    {
        if (maxKeyLength is < 1 or > ushort.MaxValue)
        {
            return $"max key length {maxKeyLength} is out of range (1-65535)";
        }
        if (maxKeyLength > Trove.Storage.CacheEngine.KeyMaxLength && !Enabled)
        {
            return $"--max-key-length above {Trove.Storage.CacheEngine.KeyMaxLength} needs --mode store";
        }
        return null;
    }

    /// <summary>Null when the settings are usable, else what is wrong (the executable exits 64 with it).</summary>
    public string? Validate()
    {
        if (!string.Equals(Mode, "cache", StringComparison.OrdinalIgnoreCase) && !Enabled)
        {
            return $"invalid mode '{Mode}': use cache or store";
        }
        if (Fsync.ToLowerInvariant() is not ("always" or "everysec" or "no"))
        {
            return $"invalid fsync policy '{Fsync}': use always, everysec or no";
        }
        if (Enabled && string.IsNullOrWhiteSpace(DataDir))
        {
            return "--mode store needs --data-dir DIR (where the log is kept)";
        }
        if (CompactionCheckSeconds < 1)
        {
            return "compaction check interval must be at least 1 second";
        }
        if (SegmentSizeBytes < 4096)
        {
            return "segment size must be at least 4096 bytes";
        }
        return null;
    }
}

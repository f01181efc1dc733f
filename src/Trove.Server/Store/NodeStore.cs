using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Trove.Storage;
using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// A node's log in store mode: recovers the data directory into the engine, then owns the <see cref="LogWriter"/>
/// that the <see cref="PersistenceObserver"/> appends to, the compaction step and the numbers <c>stats store</c> shows.
/// </summary>
/// <remarks>
/// Invariant: the observer is installed only after replay and after the writer is open, so replayed records are
/// not logged again and no change is ever made without a writer to log it.
/// </remarks>
internal sealed class NodeStore : IDisposable
{
    private readonly IFileSystem _fileSystem;
    private readonly CacheEngine _engine;
    private readonly ILogger _logger;
    private readonly CompactionTrigger _trigger;
    private readonly Lock _compactionGate = new();
    private long _writeErrors;
    private long _compactions;
    private LogWriteFailedException? _refusing;

    private NodeStore(IFileSystem fileSystem, StoreOptions options, CacheEngine engine, ILogger logger, LogWriter writer,
        RecoveryResult recovery, TimeSpan recoveryTime, LogValueReader? values)
    {
        Values = values;
        _fileSystem = fileSystem;
        Options = options;
        _engine = engine;
        _logger = logger;
        Writer = writer;
        Recovery = recovery;
        RecoveryTime = recoveryTime;
        _trigger = new CompactionTrigger { MinimumBytes = options.CompactionMinimumBytes };
    }

    public StoreOptions Options { get; }

    public string Directory => Options.DataDir!;

    public LogWriter Writer { get; }

    /// <summary>Reads values on disk back (null when the engine keeps every value in memory).</summary>
    public LogValueReader? Values { get; }

    public RecoveryResult Recovery { get; }

    public TimeSpan RecoveryTime { get; }

    /// <summary>Batches whose log records failed (their connections were closed without replies).</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    public long Compactions => Interlocked.Read(ref _compactions);

    /// <summary>
    /// Replays <see cref="StoreOptions.DataDir"/> into <paramref name="engine"/> (which must be empty, with no observer),
    /// opens the writer at the next sequence and installs the observer.
    /// </summary>
    /// <exception cref="StoreCorruptException">The log is damaged; nothing was opened.</exception>
    /// <exception cref="IOException">The directory could not be read or the segment not created.</exception>
    public static NodeStore Open(StoreOptions options, CacheEngine engine, ILogger logger, IFileSystem? fileSystem = null)
    {
        fileSystem ??= LocalFileSystem.Instance;
        string directory = Path.GetFullPath(options.DataDir!);
        long started = Stopwatch.GetTimestamp();
        LogValueReader? values = null;
        if (engine.ValuesOnDisk)
        {
            values = new LogValueReader(fileSystem, directory)
            {
                ReadFailed = (location, error) => StoreLog.ValueReadFailed(logger, location.File, location.Offset, error?.Message ?? "short read"),
            };
            engine.ValueLog = values;
        }

        fileSystem.CreateDirectory(directory); // as Recovery.Run does: the estimate below lists it first
        var replay = new LogReplay(engine, CompactionTrigger.LogBytes(fileSystem, directory), values);
        RecoveryResult result = Trove.Storage.Persistence.Recovery.Run(fileSystem, directory, replay.Apply);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        if (result.IsCorrupt)
        {
            StoreLog.Corrupt(logger, result.CorruptFile, result.CorruptOffset, result.Corruption);
            throw new StoreCorruptException(result);
        }

        engine.AdvanceCas(replay.MaxCas); // new writes get CAS values above every recovered one
        engine.ResetStats(); // replay is not client traffic: counters start at zero as after any start
        StoreLog.Recovered(logger, result.RecordsRead, result.SegmentsRead, directory, elapsed.TotalSeconds, options.FsyncName, result.NextSequence);
        if (result.TruncatedBytes > 0)
        {
            StoreLog.Truncated(logger, result.TruncatedFile ?? "", result.TruncatedBytes, result.DroppedRecords, result.TruncationReason ?? "");
        }
        if (result.SupersededSegmentsDeleted > 0 || result.TempFilesDeleted > 0)
        {
            StoreLog.CleanedUp(logger, result.SupersededSegmentsDeleted, result.TempFilesDeleted);
        }
        if (replay.NotLoaded > 0)
        {
            StoreLog.NotLoaded(logger, replay.NotLoaded);
        }

        var writer = LogWriter.Open(fileSystem, directory, result.NextSequence, new LogWriterOptions
        {
            Fsync = options.FsyncPolicy,
            SegmentSizeLimit = options.SegmentSizeBytes,
        });
        var resolved = new StoreOptions
        {
            Mode = options.Mode,
            DataDir = directory,
            Fsync = options.Fsync,
            CompactionCheckSeconds = options.CompactionCheckSeconds,
            SegmentSizeBytes = options.SegmentSizeBytes,
            CompactionMinimumBytes = options.CompactionMinimumBytes,
        };
        var store = new NodeStore(fileSystem, resolved, engine, logger, writer, result, elapsed, values);
        values?.AttachWriter(writer);
        engine.ChangeObserver = CompositeChangeObserver.Combine(engine.ChangeObserver, new PersistenceObserver(writer, engine.Time, values));
        return store;
    }

    /// <summary>
    /// Set once the writer is known to have failed (a batch's wait faulted, or the periodic check saw it): from then on
    /// write commands are answered <c>SERVER_ERROR</c> before they change anything. Null while healthy. A volatile
    /// read, so checking it costs every write nothing like <see cref="LogWriter.Failure"/>'s lock.
    /// </summary>
    public LogWriteFailedException? RefusingWrites => Volatile.Read(ref _refusing);

    /// <summary>Counts a batch whose records failed; refuses writes from now on if the writer has failed.</summary>
    public void NoteWriteFailed(Exception exception)
    {
        Interlocked.Increment(ref _writeErrors);
        CheckWriter();
    }

    /// <summary>Starts refusing writes (and logs it, once) if the writer has failed.</summary>
    public void CheckWriter()
    {
        if (Writer.Failure is { } failure && Interlocked.CompareExchange(ref _refusing, failure, null) is null)
        {
            StoreLog.WriterFailed(_logger, failure.Kind.ToString(), failure);
        }
    }

    /// <summary>Total bytes of the segment files.</summary>
    public long LogBytes() => CompactionTrigger.LogBytes(_fileSystem, Directory);

    public int LogSegments() => SegmentFiles.List(_fileSystem, Directory).Count;

    /// <summary>
    /// Compacts when <see cref="CompactionTrigger"/> says the log has outgrown the live data; returns whether it did.
    /// Live bytes are estimated by the engine's item bytes, close to what the items take as Set records.
    /// </summary>
    public bool CompactIfDue()
    {
        lock (_compactionGate)
        {
            if (Writer.Failure is not null)
            {
                return false;
            }

            List<SegmentFile> segments = SegmentFiles.List(_fileSystem, Directory);
            int sealedSegments = segments.Count(s => s.Sequence < Writer.ActiveSequence);
            // Values on disk are live data too, though not in the engine's item bytes.
            long liveBytes = _engine.GetStats().Bytes + _engine.GetDiskValueStats().ValueBytesOnDisk;
            if (!_trigger.ShouldCompact(LogBytes(), liveBytes, sealedSegments))
            {
                return false;
            }

            LogValueReader? values = Values;
            CompactionResult? result = Compactor.Compact(_fileSystem, Directory, Writer, IsLive,
                values is null ? null : (temp, sequence, moved) => values.Relocate(_engine, temp, sequence, moved));
            if (result is null)
            {
                return false;
            }

            // Every location now names the compacted file: the inputs' handles can go.
            values?.Retire(result.OutputSequence, values.LastCompactedId);

            Interlocked.Increment(ref _compactions);
            StoreLog.Compacted(_logger, result.InputSegments, result.InputBytes, result.OutputBytes, result.RecordsKept, result.RecordsDropped);
            return true;
        }
    }

    /// <summary>A Set record is live when the engine holds its key with exactly its CAS.</summary>
    private bool IsLive(ReadOnlySpan<byte> key, ulong cas)
    {
        var reader = new CasReader();
        GetStatus status = _engine.Get(key, new GetRequest { NoBump = true, NoValue = true }, ref reader);
        return status == GetStatus.Hit && reader.Cas == cas;
    }

    /// <summary>Writes and fsyncs what was appended and closes the segment. After the listener has stopped.</summary>
    public void Dispose()
    {
        Writer.Dispose();
        Values?.Dispose();
    }

    private struct CasReader : IItemReader
    {
        public ulong Cas;

        public void Read(in ItemView item) => Cas = item.Cas;
    }
}

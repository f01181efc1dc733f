namespace Trove.Storage.Persistence;

/// <summary>
/// Appends records to the log: callers copy their record into an in-memory batch (cheap, never touches the disk)
/// and get a task; one flusher thread writes each batch with one write, fsyncs according to <see cref="FsyncPolicy"/>,
/// and completes the batch's task. While it writes and fsyncs, new appends fill the next batch, so under
/// <see cref="FsyncPolicy.Always"/> one fsync serves every record appended before it started (group commit).
/// </summary>
/// <remarks>
/// Ordering: records reach the disk in the order <see cref="AppendAsync(in LogRecord)"/> was called. The engine calls it under
/// the item's partition lock, so a key's records are in the order its changes were made.
/// Failure: the first failed write or fsync puts the writer in a permanent failed state (<see cref="Failure"/>):
/// the tasks of every record not yet acknowledged fault, and later appends return a faulted task at once. Nothing is
/// retried, nothing is dropped silently. Allocation: one task per batch, none per record once the buffers have grown.
/// </remarks>
public sealed partial class LogWriter : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>A batch buffer grown beyond this (a batch with a large value: items may be up to 1 GiB) is dropped
    /// once written, so a node does not keep two buffers of its largest value for the rest of its life.</summary>
    private const int RetainedBufferSize = 4 * 1024 * 1024;

    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly LogWriterOptions _options;
    private readonly Thread _flusher;

    // Guarded by _gate: the batch being filled, its task, a pending sync request, the failed/closing states.
    private readonly object _gate = new();
    private byte[] _pending = new byte[InitialBufferSize];
    private int _pendingLength;
    private TaskCompletionSource? _batchDone;
    private TaskCompletionSource? _syncRequested;
    private LogWriteFailedException? _failure;
    private Task? _failedTask;
    private bool _closing;
    // Where the next appended record will start. Rotation is decided here, at append time, so every record's
    // location is known when it is appended: a segment break is recorded at the batch offset where the next
    // segment begins, and the flusher rotates there.
    private ulong _tailSequence;
    private long _tailOffset;
    private List<int> _breaks = [];

    // Owned by the flusher thread (and by Open before it starts).
    private byte[] _spare = new byte[InitialBufferSize];
    private List<int> _spareBreaks = [];
    private IAppendFile _file;
    private bool _unsynced;
    private long _lastSyncTicks;

    private ulong _activeSequence;
    private long _syncCount;
    /// <summary>How far the file holds the log: (sequence &lt;&lt; 32) | offset, offsets saturated at 2^32 - 1.</summary>
    private long _written;

    private LogWriter(IFileSystem fileSystem, string directory, LogWriterOptions options, IAppendFile file, ulong sequence)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _options = options;
        _file = file;
        _activeSequence = sequence;
        _tailSequence = sequence;
        _tailOffset = RecordFormat.SegmentHeaderRecordLength;
        _written = PackWritten(sequence, RecordFormat.SegmentHeaderRecordLength);
        _lastSyncTicks = Environment.TickCount64;
        _syncCount = 1; // the new segment's header, fsynced by Open
        _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "trove-log-flusher" };
    }

    /// <summary>
    /// Starts a new segment <paramref name="sequence"/> (from <see cref="RecoveryResult.NextSequence"/>) in
    /// <paramref name="directory"/>: header written, file and directory fsynced, before anything is appended.
    /// </summary>
    /// <exception cref="IOException">The segment could not be created; nothing was started.</exception>
    public static LogWriter Open(IFileSystem fileSystem, string directory, ulong sequence, LogWriterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sequence);
        options ??= new LogWriterOptions();
        fileSystem.CreateDirectory(directory);
        string path = SegmentFiles.PathOf(directory, sequence);
        if (fileSystem.FileExists(path))
        {
            throw new IOException($"segment {path} already exists; run recovery first and open the sequence it returns");
        }

        IAppendFile file = CreateSegment(fileSystem, directory, sequence);
        var writer = new LogWriter(fileSystem, directory, options, file, sequence);
        writer._flusher.Start();
        return writer;
    }

    /// <summary>The segment being appended to. Every segment with a lower sequence is sealed (complete and fsynced).</summary>
    public ulong ActiveSequence => Volatile.Read(ref _activeSequence);

    /// <summary>
    /// Whether the record at <paramref name="offset"/> of segment <paramref name="sequence"/>, <paramref name="length"/> bytes long, has been written to
    /// its segment file (handed to the OS, not necessarily fsynced): from then on a read of the file finds it.
    /// </summary>
    public bool IsWritten(ulong sequence, long offset, int length)
    {
        long written = Volatile.Read(ref _written);
        ulong writtenSequence = (ulong)written >> 32;
        long writtenOffset = written & 0xFFFF_FFFFL;
        return sequence < writtenSequence || (sequence == writtenSequence && offset + length <= writtenOffset);
    }

    /// <summary>File fsyncs since <see cref="Open"/>, counting the first segment's creation and each rotation's.</summary>
    public long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>Null while healthy; the error every append now fails with.</summary>
    public LogWriteFailedException? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>
    /// Adds the record to the current batch and returns a task that completes when the record is written to the OS
    /// (<see cref="FsyncPolicy.EverySecond"/>, <see cref="FsyncPolicy.No"/>) or on stable storage
    /// (<see cref="FsyncPolicy.Always"/>), or faults with <see cref="LogWriteFailedException"/>. Never throws for
    /// I/O reasons, so it is safe to call under a partition lock; it does not block on I/O.
    /// </summary>
    /// <exception cref="ArgumentException">A key of 0 or more than 255 bytes, or a record over 1 GiB.</exception>
    public Task AppendAsync(in LogRecord record) => AppendAsync(record, out _);

    /// <summary>
    /// <see cref="AppendAsync(in LogRecord)"/>, also giving where the record will be in the log (default when the
    /// writer has failed: it will be nowhere). <see cref="IsWritten"/> says when a read can find it there.
    /// </summary>
    public Task AppendAsync(in LogRecord record, out RecordLocation location)
    {
        int length = RecordFormat.EncodedLength(record);
        lock (_gate)
        {
            if (_failedTask is not null)
            {
                location = default;
                return _failedTask;
            }

            EnsureCapacity(length);
            Span<byte> encoded = _pending.AsSpan(_pendingLength, length);
            RecordFormat.Encode(record, encoded);
            BreakIfFull();
            location = new RecordLocation(_tailSequence, _tailOffset,
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(encoded[4..]));
            _tailOffset += length;
            _pendingLength += length;
            bool wake = _batchDone is null;
            _batchDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (wake)
            {
                Monitor.Pulse(_gate);
            }

            return _batchDone.Task;
        }
    }

    /// <summary>
    /// Completes once everything appended before this call is written (and fsynced under <see cref="FsyncPolicy.Always"/>),
    /// or has failed: the current batch's task, which never faults here.
    /// </summary>
    public Task WhenWritten()
    {
        Task batch;
        lock (_gate)
        {
            if (_failedTask is not null || _batchDone is null)
            {
                return Task.CompletedTask;
            }

            batch = _batchDone.Task;
        }

        return batch.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Writes and fsyncs everything appended before this call, whatever the policy.</summary>
    public Task SyncAsync()
    {
        lock (_gate)
        {
            if (_failedTask is not null)
            {
                return _failedTask;
            }

            if (_syncRequested is null)
            {
                _syncRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Monitor.Pulse(_gate);
            }

            return _syncRequested.Task;
        }
    }

    /// <summary>Writes and fsyncs what was appended, stops the flusher and closes the segment. Later appends fail
    /// with <see cref="LogFailureKind.Closed"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            Monitor.Pulse(_gate);
        }

        _flusher.Join();
        _file.Dispose();
    }

    /// <summary>
    /// Caller holds _gate. When the segment the next record would go to has reached the size limit, the next record
    /// starts a new segment: a break at the current end of the batch tells the flusher to rotate there.
    /// </summary>
    private void BreakIfFull()
    {
        if (_tailOffset < _options.SegmentSizeLimit || _tailOffset <= RecordFormat.SegmentHeaderRecordLength)
        {
            return;
        }

        _breaks.Add(_pendingLength);
        _tailSequence++;
        _tailOffset = RecordFormat.SegmentHeaderRecordLength;
    }

    private static long PackWritten(ulong sequence, long offset) => (long)(sequence << 32) | Math.Min(offset, 0xFFFF_FFFFL);

    /// <summary>Caller holds _gate. Grows the batch buffer; the old contents are kept.</summary>
    private void EnsureCapacity(int length)
    {
        if (_pending.Length - _pendingLength >= length)
        {
            return;
        }

        long wanted = Math.Max((long)_pending.Length * 2, (long)_pendingLength + length);
        Array.Resize(ref _pending, (int)Math.Min(wanted, Array.MaxLength));
    }

    private static IAppendFile CreateSegment(IFileSystem fileSystem, string directory, ulong sequence)
    {
        IAppendFile file = fileSystem.OpenAppend(SegmentFiles.PathOf(directory, sequence));
        try
        {
            Span<byte> header = stackalloc byte[RecordFormat.SegmentHeaderRecordLength];
            RecordFormat.EncodeSegmentHeader(new SegmentHeader(sequence, Compacted: false), header);
            file.Write(header);
            file.Sync();
            fileSystem.SyncDirectory(directory);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}

namespace Trove.Storage.Persistence;

/// <summary>
/// The engine's <see cref="IValueLog"/> over a log directory: reads values on disk back from their Set records
/// through <see cref="IFileSystem"/>, keeping one read handle per file.
/// </summary>
/// <remarks>
/// File ids: a segment's id is its sequence (below 2^31). A compacted segment written in this process gets an id of
/// 2^31 or more (<see cref="AddCompacted"/>), bound to a handle opened on the compaction's temporary file before its
/// rename: the handle follows the file through the rename, so a location given out before or after the rename
/// reads the same bytes, while the old segment under the same name stays readable through its own handle until
/// <see cref="Retire"/> (after every location was moved). After a restart the compacted segment is just its sequence.
/// </remarks>
public sealed class LogValueReader : IValueLog, IDisposable
{
    /// <summary>The first id given to a compacted segment.</summary>
    public const uint FirstCompactedId = 1u << 31;

    [ThreadStatic]
    private static ValueLocation t_appended;

    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, IReadFile> _handles = [];
    /// <summary>Segment sequence → the id of the compacted segment now holding that name.</summary>
    private readonly Dictionary<ulong, uint> _compactedIds = [];
    private uint _nextCompactedId = FirstCompactedId;
    private LogWriter? _writer;

    public LogValueReader(IFileSystem fileSystem, string directory)
    {
        _fileSystem = fileSystem;
        _directory = directory;
    }

    /// <summary>Called with the location and the error (null for a short read) of a read that failed; for logging.</summary>
    public Action<ValueLocation, Exception?>? ReadFailed { get; set; }

    /// <summary>From now on a record appended through <paramref name="writer"/> is readable only once written. Before
    /// (recovery), every record handed over is in its file.</summary>
    public void AttachWriter(LogWriter writer) => Volatile.Write(ref _writer, writer);

    /// <summary>The engine's form of a record location (default when it does not fit: such a value stays in memory).</summary>
    public ValueLocation ToValueLocation(in RecordLocation location)
    {
        if (!location.IsKnown || location.Sequence >= FirstCompactedId || location.Offset > uint.MaxValue)
        {
            return default;
        }

        lock (_lock)
        {
            uint file = _compactedIds.TryGetValue(location.Sequence, out uint id) ? id : (uint)location.Sequence;
            return new ValueLocation(file, (uint)location.Offset, location.Crc);
        }
    }

    /// <summary>The persistence observer appended a Set on this thread: the engine takes its location next.</summary>
    public void NoteAppended(in RecordLocation location) => t_appended = ToValueLocation(location);

    public ValueLocation TakeAppended()
    {
        ValueLocation appended = t_appended;
        t_appended = default;
        return appended;
    }

    public bool IsWritten(in ValueLocation location, int recordLength)
    {
        LogWriter? writer = Volatile.Read(ref _writer);
        return writer is null || location.File >= FirstCompactedId || writer.IsWritten(location.File, location.Offset, recordLength);
    }

    public bool Read(in ValueLocation location, Span<byte> destination)
    {
        try
        {
            IReadFile? file = HandleOf(location.File);
            if (file is not null && LogReader.ReadFully(file, location.Offset, destination) == destination.Length)
            {
                return true;
            }

            ReadFailed?.Invoke(location, null);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            ReadFailed?.Invoke(location, ex);
        }

        return false;
    }

    public void WaitWritten() => Volatile.Read(ref _writer)?.WhenWritten().Wait();

    public void ReportMismatch(in ValueLocation location)
        => ReadFailed?.Invoke(location, new InvalidDataException("the record found there is not the item's"));

    /// <summary>
    /// Compaction wrote <paramref name="temporaryPath"/>, the compacted segment that will replace a segment: returns
    /// the id its records' locations use from now on. Call before the rename.
    /// </summary>
    public uint AddCompacted(string temporaryPath)
    {
        IReadFile file = _fileSystem.OpenRead(temporaryPath);
        lock (_lock)
        {
            uint id = _nextCompactedId++;
            _handles[id] = file;
            return id;
        }
    }

    /// <summary>
    /// The <see cref="CompactionRelocation"/> for <paramref name="engine"/>: opens the compacted file, and re-points
    /// every item whose location is still a kept record's old place to its new one. Returns the file's id through
    /// <see cref="LastCompactedId"/> for <see cref="Retire"/>.
    /// </summary>
    public void Relocate(CacheEngine engine, string temporaryPath, ulong outputSequence, IReadOnlyList<RecordLocation> oldLocations)
    {
        uint id = AddCompacted(temporaryPath);
        LastCompactedId = id;
        int index = 0;
        SegmentScan scan = LogReader.ReadSegment(_fileSystem, temporaryPath, outputSequence, (in LogRecord record) =>
        {
            if (index < oldLocations.Count)
            {
                ValueLocation from = ToValueLocation(oldLocations[index]);
                if (from.IsKnown && record.Location.Offset <= uint.MaxValue)
                {
                    engine.Relocate(record.Key, from, new ValueLocation(id, (uint)record.Location.Offset, record.Location.Crc));
                }
            }

            index++;
        });
        if (scan.Status != SegmentScanStatus.Clean || index != oldLocations.Count)
        {
            throw new InvalidDataException($"compacted file {temporaryPath} does not read back as written: {scan.Problem}");
        }
    }

    /// <summary>The id <see cref="Relocate"/> gave the last compacted file.</summary>
    public uint LastCompactedId { get; private set; }

    /// <summary>
    /// After compaction moved every location out of segments up to <paramref name="sequence"/> (and renamed its output
    /// to that name, with id <paramref name="compactedId"/>): closes their handles; segment <paramref name="sequence"/>
    /// now means the compacted file.
    /// </summary>
    public void Retire(ulong sequence, uint compactedId)
    {
        var closing = new List<IReadFile>();
        lock (_lock)
        {
            foreach (uint id in _handles.Keys.Where(id => id < FirstCompactedId && id <= sequence).ToList())
            {
                closing.Add(_handles[id]);
                _handles.Remove(id);
            }

            foreach (ulong seq in _compactedIds.Keys.Where(seq => seq <= sequence).ToList())
            {
                if (_handles.Remove(_compactedIds[seq], out IReadFile? old))
                {
                    closing.Add(old);
                }

                _compactedIds.Remove(seq);
            }

            _compactedIds[sequence] = compactedId;
        }

        foreach (IReadFile file in closing)
        {
            file.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (IReadFile file in _handles.Values)
            {
                file.Dispose();
            }

            _handles.Clear();
        }
    }

    private IReadFile? HandleOf(uint file)
    {
        lock (_lock)
        {
            if (_handles.TryGetValue(file, out IReadFile? handle))
            {
                return handle;
            }

            if (file >= FirstCompactedId || file == 0)
            {
                return null;
            }

            string path = SegmentFiles.PathOf(_directory, file);
            if (!_fileSystem.FileExists(path))
            {
                return null;
            }

            handle = _fileSystem.OpenRead(path);
            _handles[file] = handle;
            return handle;
        }
    }
}

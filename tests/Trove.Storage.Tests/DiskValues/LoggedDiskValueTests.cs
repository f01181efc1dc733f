using System.Buffers;
using Trove.Storage.Persistence;
using Trove.Storage.Tests.Persistence;
using static Trove.Storage.Tests.EngineTestHelpers;

namespace Trove.Storage.Tests.DiskValues;

/// <summary>
/// Values on disk over the real log (LogWriter, Recovery, Compactor and LogValueReader on the fault-injecting file
/// system): more data than memory survives demotion, compaction moving it and a restart; a failed read is an error.
/// </summary>
public sealed class LoggedDiskValueTests : IDisposable
{
    private const string Dir = PersistenceTestHelpers.Dir;
    private const long Limit = 4L << 20;
    private const int Count = 2500;
    private const int Length = 8000;

    private readonly ManualTimeProvider _clock = new();
    private readonly FaultyFileSystem _fs = new();
    private CacheEngine _engine = null!;
    private LogValueReader _values = null!;
    private LogWriter _writer = null!;

    public LoggedDiskValueTests() => Open();

    public void Dispose()
    {
        _writer.Dispose();
        _values.Dispose();
        _engine.Dispose();
    }

    /// <summary>Replays the directory into a new 4 MB engine with values on disk and opens the writer, as a node does.</summary>
    private void Open()
    {
        _engine = new CacheEngine(new EngineOptions
        {
            MemoryLimitBytes = Limit, PartitionCount = 16, EvictionDisabled = true, ValuesOnDisk = true,
            MaxKeyLength = RecordFormat.MaxKeyLength, // store mode's long keys: items of shorter keys are laid out as ever
        }, _clock);
        _values = new LogValueReader(_fs, Dir);
        _engine.ValueLog = _values;
        ulong maxCas = 0;
        RecoveryResult recovered = Recovery.Run(_fs, Dir, (in LogRecord record) =>
        {
            if (record.Type == RecordType.Delete)
            {
                _engine.Delete(record.Key, default);
                return;
            }

            maxCas = Math.Max(maxCas, record.Cas);
            var request = new StoreRequest { Mode = StoreMode.Set, Flags = record.ClientFlags, NewCas = record.Cas, RecordLocation = _values.ToValueLocation(record.Location) };
            Assert.Equal(StoreStatus.Stored, _engine.Store(record.Key, new ReadOnlySequence<byte>(record.Value.ToArray()), request).Status);
        });
        Assert.False(recovered.IsCorrupt);
        _engine.AdvanceCas(maxCas);
        _writer = LogWriter.Open(_fs, Dir, recovered.NextSequence, PersistenceTestHelpers.Options(FsyncPolicy.No, segmentLimit: 256 << 10));
        _values.AttachWriter(_writer);
        _engine.ChangeObserver = new LoggingObserver(_writer, _values);
    }

    private void Restart()
    {
        Dispose();
        _fs.KillProcess();
        Open();
    }

    private static string ValueOf(int i, int generation) => $"g{generation}:{i}:" + new string((char)('a' + (i + generation) % 26), Length);

    private void Write(int generation, int step = 1)
    {
        for (int i = 0; i < Count; i += step)
        {
            Assert.Equal(StoreStatus.Stored, _engine.Set($"key:{i}", ValueOf(i, generation)).Status);
        }

        _writer.WhenWritten().Wait();
    }

    private void AssertValues(Func<int, int> generationOf)
    {
        for (int i = 0; i < Count; i++)
        {
            Capture got = _engine.Get($"key:{i}", default, out GetStatus status);
            Assert.True(status == GetStatus.Hit, $"key:{i} {status}");
            Assert.Equal(ValueOf(i, generationOf(i)), got.Text);
        }
    }

    private void DemoteEverything()
    {
        _engine.SetMemoryLimit(1);
        for (int round = 0; round < 64 && (_engine.DemoteCold(100_000) > 0 || round < 5); round++)
        {
        }

        _engine.SetMemoryLimit(Limit);
    }

    private CompactionResult Compact()
    {
        CompactionResult? result = Compactor.Compact(_fs, Dir, _writer, IsLive,
            (temp, sequence, moved) => _values.Relocate(_engine, temp, sequence, moved));
        Assert.NotNull(result);
        _values.Retire(result.OutputSequence, _values.LastCompactedId);
        return result;
    }

    private bool IsLive(ReadOnlySpan<byte> key, ulong cas)
    {
        var capture = new Capture();
        return _engine.Get(key, new GetRequest { NoBump = true, NoValue = true }, ref capture) == GetStatus.Hit && capture.Cas == cas;
    }

    [Fact]
    public void ValuesOnDiskReadBackAfterCompactionMovedThem()
    {
        Write(generation: 1);
        Write(generation: 2, step: 2); // half the records become dead
        DemoteEverything();
        Assert.True(_engine.GetDiskValueStats().ItemsOnDisk > Count / 2);
        int segmentsBefore = _fs.ListFiles(Dir).Count;

        CompactionResult first = Compact();
        Assert.True(first.RecordsDropped >= Count / 2);
        Assert.True(_fs.ListFiles(Dir).Count < segmentsBefore);
        Assert.True(_engine.GetDiskValueStats().Relocations > Count / 2);
        AssertValues(i => i % 2 == 0 ? 2 : 1);

        // A second compaction moves values out of the first one's output (known by its compacted id) again.
        Write(generation: 3, step: 3);
        DemoteEverything();
        Compact();
        AssertValues(i => i % 3 == 0 ? 3 : i % 2 == 0 ? 2 : 1);
        Assert.Equal(0, _engine.GetDiskValueStats().ReadErrors);
    }

    [Fact]
    public async Task ARestartWithMoreDataThanMemoryRecoversAllOfIt()
    {
        Write(generation: 1);
        Write(generation: 2, step: 2);
        DemoteEverything();
        Compact();
        Assert.True(_engine.GetStats().TotalMalloced <= Limit + (2 << 20));

        Restart();
        Assert.True(_engine.GetDiskValueStats().ItemsOnDisk > Count / 2, "replay must leave values on disk");
        AssertValues(i => i % 2 == 0 ? 2 : 1);

        // Changes after the restart, to values the replay left on disk, survive the next one too.
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Append, "key:1", "+").Status);
        Assert.Equal(TouchStatus.Touched, _engine.Touch(Bytes("key:3"), _engine.ToExpiry(5000)));
        await _writer.WhenWritten();
        Restart();
        Assert.Equal(ValueOf(1, 1) + "+", _engine.Get("key:1").Text);
        Assert.Equal(ValueOf(3, 1), _engine.Get("key:3").Text);
    }

    /// <summary>
    /// Long keys meet values on disk: a 60,000-byte key (a type 4 record, a u16 length before the key in memory), and
    /// the edges of both layouts (254: plain item and type 2; 255: long-key item but still a type 2 record; 256: both
    /// long). Each value leaves memory, is read back from its record, moved by compaction, and read back again after
    /// a restart; an append to a stub with a long key brings its value back first and replays.
    /// </summary>
    [Fact]
    public async Task ValuesOnDiskUnderLongKeysReadBackAfterCompactionAndARestart()
    {
        int[] keyLengths = [254, 255, 256, 60_000];
        string KeyOf(int length) => $"long:{length}:".PadRight(length, 'k');
        string LongValueOf(int length) => $"v{length}:" + new string((char)('A' + length % 26), 30_000);

        Write(generation: 1);
        foreach (int length in keyLengths)
        {
            Assert.Equal(StoreStatus.Stored, _engine.Set(KeyOf(length), LongValueOf(length)).Status);
        }

        Write(generation: 2, step: 2); // the long keys' records end up in sealed segments, which compaction rewrites
        DemoteEverything();
        AssertLongKeysFromDisk();

        DemoteEverything();
        CompactionResult compacted = Compact();
        Assert.True(compacted.RecordsDropped >= Count / 2);
        AssertLongKeysFromDisk();

        Restart();
        DemoteEverything();
        AssertLongKeysFromDisk();

        // The append reads the stub's value back first (still a stub: read once since the restart, and a value comes
        // back into memory from its second read on), and its record, a type 4 Set, replays after the restart.
        string appended = KeyOf(60_000);
        long reads = _engine.GetDiskValueStats().Reads;
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Append, appended, "+").Status);
        Assert.Equal(reads + 1, _engine.GetDiskValueStats().Reads);
        Assert.Equal(LongValueOf(60_000) + "+", _engine.Get(appended).Text);
        await _writer.WhenWritten();
        Restart();
        Assert.Equal(LongValueOf(60_000) + "+", _engine.Get(appended).Text);
        Assert.Equal(0, _engine.GetDiskValueStats().ReadErrors);

        void AssertLongKeysFromDisk()
        {
            foreach (int length in keyLengths)
            {
                Assert.Equal(LongValueOf(length), ReadFromDisk(KeyOf(length)));
            }

            Assert.Equal(0, _engine.GetDiskValueStats().ReadErrors);
        }
    }

    /// <summary>Gets a key whose value must be on disk: the read is counted as a disk read, and the value is returned.</summary>
    private string? ReadFromDisk(string key)
    {
        long reads = _engine.GetDiskValueStats().Reads;
        Capture got = _engine.Get(key, default, out GetStatus status);
        Assert.True(status == GetStatus.Hit, $"{key.Length}-byte key: {status}");
        Assert.True(_engine.GetDiskValueStats().Reads == reads + 1, $"the {key.Length}-byte key's value was not read from disk");
        return got.Text;
    }

    [Fact]
    public void AFailedReadThroughTheFileSystemIsAnErrorNeverAValue()
    {
        Write(generation: 1);
        DemoteEverything();
        _fs.FailReads = true;
        int unavailable = 0;
        for (int i = 0; i < Count; i++)
        {
            Capture got = _engine.Get($"key:{i}", default, out GetStatus status);
            if (status == GetStatus.ValueUnavailable)
            {
                unavailable++;
                Assert.Null(got.Value);
            }
            else
            {
                Assert.Equal(ValueOf(i, 1), got.Text);
            }
        }

        Assert.True(unavailable > Count / 2, $"{unavailable}");
        Assert.Equal(unavailable, _engine.GetDiskValueStats().ReadErrors);
        // A change that needs the value fails rather than log a record without it.
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Append, FirstOnDisk(), "x").Status);
        _fs.FailReads = false;
        AssertValues(_ => 1);
    }

    private string FirstOnDisk()
    {
        for (int i = 0; i < Count; i++)
        {
            _engine.Get($"key:{i}", default, out GetStatus status);
            if (status == GetStatus.ValueUnavailable)
            {
                return $"key:{i}";
            }
        }

        throw new InvalidOperationException("no value on disk");
    }

    /// <summary>The persistence observer of a node, reduced to Sets and Deletes without expiry.</summary>
    private sealed class LoggingObserver(LogWriter writer, LogValueReader values) : IItemChangeObserver
    {
        public void OnItemChanged(int partition, in ItemView item)
        {
            writer.AppendAsync(LogRecord.Set(item.Key, item.Value, item.Flags, 0, item.Cas), out RecordLocation location);
            values.NoteAppended(location);
        }

        public void OnItemDeleted(int partition, ReadOnlySpan<byte> key) => writer.AppendAsync(LogRecord.Delete(key));
    }
}

using System.Text;
using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

public sealed class CompactionTests
{
    /// <summary>Six rounds over 40 keys: every key rewritten each round, some deleted, some deleted and set again.</summary>
    private static List<Rec> History()
    {
        var history = new List<Rec>();
        ulong cas = 0;
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 40; i++)
            {
                history.Add(Rec.Set($"key:{i}", $"round {round} value {i}", ++cas, flags: (uint)round));
                if (i % 7 == round)
                {
                    history.Add(Rec.Delete($"key:{i}"));
                }
            }
        }

        history.Add(Rec.Delete("key:39"));
        return history;
    }

    private static LivenessCheck LiveIn(Dictionary<string, Rec> state) =>
        (key, cas) => state.TryGetValue(Encoding.UTF8.GetString(key), out Rec? live) && live.Cas == cas;

    private static async Task<LogWriter> WriteHistory(FaultyFileSystem fs, List<Rec> history)
    {
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.Always, segmentLimit: 1024));
        foreach (Rec record in history)
        {
            await record.AppendTo(writer);
        }

        return writer;
    }

    private static List<Rec> ReadSegment(IFileSystem fs, ulong sequence)
    {
        var records = new List<Rec>();
        SegmentScan scan = LogReader.ReadSegment(fs, SegmentPath(sequence), sequence, (in LogRecord r) => records.Add(Rec.From(r)));
        Assert.Equal(SegmentScanStatus.Clean, scan.Status);
        return records;
    }

    [Fact]
    public async Task CompactionKeepsExactlyTheLiveRecordsOfSealedSegmentsInLogOrder()
    {
        var fs = new FaultyFileSystem();
        List<Rec> history = History();
        Dictionary<string, Rec> state = Replay(history);
        LogWriter writer = await WriteHistory(fs, history);
        ulong active = writer.ActiveSequence;
        Assert.True(active > 5, $"{active} segments");
        List<Rec> sealedRecords = Enumerable.Range(1, (int)active - 1).SelectMany(s => ReadSegment(fs, (ulong)s)).ToList();
        List<Rec> activeRecords = ReadSegment(fs, active);
        long bytesBefore = CompactionTrigger.LogBytes(fs, Dir);

        CompactionResult? result = Compactor.Compact(fs, Dir, writer, LiveIn(state));

        Assert.NotNull(result);
        List<Rec> expectedKept = sealedRecords.Where(r => r.Type == RecordType.Set && LiveIn(state)(Encoding.UTF8.GetBytes(r.Key), r.Cas)).ToList();
        Assert.Equal((int)active - 1, result.InputSegments);
        Assert.Equal(active - 1, result.OutputSequence);
        Assert.Equal(expectedKept.Count, result.RecordsKept);
        Assert.Equal(sealedRecords.Count - expectedKept.Count, result.RecordsDropped);
        Assert.Equal([SegmentFiles.NameOf(active - 1), SegmentFiles.NameOf(active)], SegmentFiles.List(fs, Dir).Select(s => s.Name));
        Assert.Equal(new SegmentHeader(active - 1, Compacted: true), LogReader.ReadHeader(fs, SegmentPath(active - 1)));
        Assert.True(CompactionTrigger.LogBytes(fs, Dir) < bytesBefore / 2);

        Rec after = Rec.Set("key:1", "after compaction", 10_000);
        await after.AppendTo(writer);
        writer.Dispose();

        (RecoveryResult recovered, List<Rec> records) = Recover(fs);
        Assert.False(recovered.IsCorrupt);
        Assert.Equal(expectedKept.Concat(activeRecords).Append(after), records);
        Assert.Equal(Replay(history.Append(after)), Replay(records));
    }

    /// <summary>
    /// The process dies at every file operation of a compaction in turn (then power is lost, or only the process is
    /// killed): recovery always yields the same live data, and never reports corruption.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CrashAtEveryStepOfCompactionLeavesTheSameLiveData(bool powerLoss)
    {
        List<Rec> history = History();
        Dictionary<string, Rec> state = Replay(history);
        int crashPoints = 0;
        for (int operations = 0; ; operations++)
        {
            var fs = new FaultyFileSystem();
            LogWriter writer = await WriteHistory(fs, history);
            fs.CrashAfter(operations);
            bool completed;
            try
            {
                Compactor.Compact(fs, Dir, writer, LiveIn(state));
                completed = true;
            }
            catch (SimulatedCrashException)
            {
                completed = false;
                crashPoints++;
            }

            fs.Crash();
            writer.Dispose();
            fs.Restart(powerLoss);

            (RecoveryResult result, List<Rec> records) = Recover(fs);
            Assert.False(result.IsCorrupt, $"crash after {operations} operations: {result}");
            Assert.Equal(state, Replay(records));
            Assert.DoesNotContain(fs.ListFiles(Dir), name => name.EndsWith(SegmentFiles.TempSuffix, StringComparison.Ordinal));
            if (completed)
            {
                break;
            }
        }

        // create, write, sync the temp file; rename; sync dir; one delete per older segment; sync dir.
        Assert.True(crashPoints >= 10, $"{crashPoints} crash points");
    }

    [Fact]
    public void DeadRecordsAreDroppedOnlyAfterTheDurabilityBarrier()
    {
        var fs = new FaultyFileSystem();
        List<Rec> history = History();
        WriteLog(fs, history, Options(segmentLimit: 1024));
        int segments = SegmentFiles.List(fs, Dir).Count;

        Compactor.Compact(fs, Dir, (ulong)segments + 1, LiveIn(Replay(history)), () => fs.Operations.Add("barrier"));

        int barrier = fs.Operations.IndexOf("barrier");
        Assert.True(barrier > fs.Operations.FindIndex(o => o.StartsWith("sync ", StringComparison.Ordinal) && o.EndsWith(".tmp", StringComparison.Ordinal)));
        Assert.True(barrier < fs.Operations.FindIndex(o => o.StartsWith("rename ", StringComparison.Ordinal)));
        Assert.True(barrier < fs.Operations.FindIndex(o => o.StartsWith("delete ", StringComparison.Ordinal)));
    }

    [Fact]
    public void DamagedSealedSegmentStopsCompactionAndChangesNothing()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, History(), Options(segmentLimit: 1024));
        byte[] second = fs.ReadAllBytes(SegmentPath(2));
        second[40] ^= 1;
        fs.WriteAllBytes(SegmentPath(2), second);
        List<string> before = fs.ListFiles(Dir).Order().ToList();

        Assert.Throws<InvalidDataException>(() => Compactor.Compact(fs, Dir, (ulong)before.Count + 1, (_, _) => true, () => { }));

        Assert.Equal(before, fs.ListFiles(Dir).Order());
    }

    [Fact]
    public void NothingToCompactWithoutSealedSegments()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(3));
        Assert.Null(Compactor.Compact(fs, Dir, 1, (_, _) => true, () => { }));
    }

    [Fact]
    public void TriggerBoundsDiskUseByTheFactorOfLiveData()
    {
        var trigger = new CompactionTrigger { Factor = 2, MinimumBytes = 1000 };
        Assert.False(trigger.ShouldCompact(logBytes: 1999, liveBytes: 10, sealedSegments: 3));
        Assert.True(trigger.ShouldCompact(logBytes: 2001, liveBytes: 10, sealedSegments: 3));
        Assert.False(trigger.ShouldCompact(logBytes: 9000, liveBytes: 5000, sealedSegments: 3));
        Assert.True(trigger.ShouldCompact(logBytes: 10001, liveBytes: 5000, sealedSegments: 3));
        Assert.False(trigger.ShouldCompact(logBytes: 10001, liveBytes: 5000, sealedSegments: 0));
    }

    /// <summary>
    /// Segments left below a compacted one (the crash came between the rename and the deletes) are skipped and
    /// deleted; but while the compacted segment is damaged they are kept, for the operator.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SupersededSegmentsAreDeletedOnlyWhenTheCompactedSegmentIsSound(bool damageCompacted)
    {
        var fs = new FaultyFileSystem();
        List<Rec> history = History();
        LogWriter writer = await WriteHistory(fs, history);
        byte[] first = fs.ReadAllBytes(SegmentPath(1));
        byte[] second = fs.ReadAllBytes(SegmentPath(2));
        CompactionResult? compacted = Compactor.Compact(fs, Dir, writer, LiveIn(Replay(history)));
        writer.Dispose();
        fs.WriteAllBytes(SegmentPath(1), first);
        fs.WriteAllBytes(SegmentPath(2), second);
        string output = SegmentPath(compacted!.OutputSequence);
        if (damageCompacted)
        {
            byte[] bytes = fs.ReadAllBytes(output);
            bytes[RecordFormat.SegmentHeaderRecordLength + 12] ^= 1;
            fs.WriteAllBytes(output, bytes);
        }

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.Equal(damageCompacted, result.IsCorrupt);
        Assert.Equal(damageCompacted, fs.FileExists(SegmentPath(1)));
        Assert.Equal(damageCompacted, fs.FileExists(SegmentPath(2)));
        if (!damageCompacted)
        {
            Assert.Equal(2, result.SupersededSegmentsDeleted);
            Assert.Equal(Replay(history), Replay(records));
        }
        else
        {
            Assert.Equal(output, result.CorruptFile);
        }
    }

    [Fact]
    public async Task FailedWriterStopsCompactionBeforeTheRename()
    {
        var fs = new FaultyFileSystem();
        List<Rec> history = History();
        LogWriter writer = await WriteHistory(fs, history);
        List<string> before = fs.ListFiles(Dir).Order().ToList();
        writer.Dispose();

        var error = Assert.Throws<LogWriteFailedException>(() => Compactor.Compact(fs, Dir, writer, LiveIn(Replay(history))));

        Assert.Equal(LogFailureKind.Closed, error.Kind);
        Assert.Equal(before, fs.ListFiles(Dir).Order());
        Assert.DoesNotContain(fs.Operations, o => o.StartsWith("rename ", StringComparison.Ordinal));
    }
}

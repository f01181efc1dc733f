using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

public sealed class LogWriterFaultTests
{
    private static async Task<LogWriter> OpenWithAcknowledged(FaultyFileSystem fs, List<Rec> acknowledged, FsyncPolicy policy = FsyncPolicy.Always)
    {
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(policy));
        foreach (Rec record in acknowledged)
        {
            await record.AppendTo(writer);
        }

        return writer;
    }

    private static async Task<LogWriteFailedException> AssertFailsFast(LogWriter writer, LogFailureKind kind)
    {
        Task later = Rec.Set("later", "v", 999).AppendTo(writer);
        Assert.True(later.IsFaulted, "an append after the failure must fail at once");
        var error = await Assert.ThrowsAsync<LogWriteFailedException>(() => later);
        Assert.Equal(kind, error.Kind);
        Assert.True(writer.SyncAsync().IsFaulted);
        Assert.Same(error, writer.Failure);
        return error;
    }

    [Fact]
    public async Task FailedWriteFaultsTheAppendAndEveryLaterOneAndLosesNothingAcknowledged()
    {
        var fs = new FaultyFileSystem();
        List<Rec> acknowledged = Records(10);
        LogWriter writer = await OpenWithAcknowledged(fs, acknowledged);
        fs.BytesWrittenByFailedWrite = 5;
        fs.FailWriteAfter(0);

        var error = await Assert.ThrowsAsync<LogWriteFailedException>(() => Rec.Set("failed", "v", 11).AppendTo(writer));
        Assert.Equal(LogFailureKind.WriteFailed, error.Kind);
        await AssertFailsFast(writer, LogFailureKind.WriteFailed);
        writer.Dispose();

        fs.KillProcess();
        (RecoveryResult result, List<Rec> records) = Recover(fs);
        Assert.Equal(acknowledged, records);
        Assert.Equal(5, result.TruncatedBytes);
        Assert.Equal(1, result.DroppedRecords);
    }

    [Fact]
    public async Task FailedFsyncFaultsTheAppendAndIsNeverRetried()
    {
        var fs = new FaultyFileSystem();
        List<Rec> acknowledged = Records(10);
        LogWriter writer = await OpenWithAcknowledged(fs, acknowledged);
        int syncs = fs.SyncCount;
        fs.FailSyncAfter(0);

        var error = await Assert.ThrowsAsync<LogWriteFailedException>(() => Rec.Set("failed", "v", 11).AppendTo(writer));
        Assert.Equal(LogFailureKind.SyncFailed, error.Kind);
        await AssertFailsFast(writer, LogFailureKind.SyncFailed);
        writer.Dispose();
        Assert.Equal(syncs, fs.SyncCount);

        fs.PowerLoss();
        (RecoveryResult result, List<Rec> records) = Recover(fs);
        Assert.False(result.IsCorrupt);
        Assert.Equal(acknowledged, records);
    }

    [Fact]
    public async Task FullDiskIsReportedAsDiskFullAndTheTornTailIsTruncatedOnRecovery()
    {
        var fs = new FaultyFileSystem();
        List<Rec> acknowledged = Records(10);
        LogWriter writer = await OpenWithAcknowledged(fs, acknowledged);
        fs.Capacity = fs.GetLength(SegmentPath(1)) + 20;

        var error = await Assert.ThrowsAsync<LogWriteFailedException>(() => Rec.Set("failed", new string('v', 100), 11).AppendTo(writer));
        Assert.Equal(LogFailureKind.DiskFull, error.Kind);
        Assert.True(DiskFull.Is(Assert.IsType<IOException>(error.InnerException)));
        await AssertFailsFast(writer, LogFailureKind.DiskFull);
        writer.Dispose();

        fs.KillProcess();
        (RecoveryResult result, List<Rec> records) = Recover(fs);
        Assert.Equal(acknowledged, records);
        Assert.Equal(20, result.TruncatedBytes);
    }

    [Fact]
    public async Task EverySecondAcknowledgesOnceWrittenToTheOsWithoutWaitingForAnFsync()
    {
        foreach (bool powerLoss in new[] { false, true })
        {
            var fs = new FaultyFileSystem();
            List<Rec> acknowledged = Records(10);
            LogWriter writer = await OpenWithAcknowledged(fs, acknowledged, FsyncPolicy.EverySecond);
            Assert.Equal(1, fs.SyncCount); // the new segment's header only
            fs.Crash();
            writer.Dispose();

            fs.Restart(powerLoss);

            (_, List<Rec> records) = Recover(fs);
            Assert.Equal(powerLoss ? [] : acknowledged, records);
        }
    }

    [Fact]
    public async Task EverySecondFsyncsInTheBackground()
    {
        var fs = new FaultyFileSystem();
        var options = new LogWriterOptions { Fsync = FsyncPolicy.EverySecond, SyncInterval = TimeSpan.FromMilliseconds(20) };
        using LogWriter writer = LogWriter.Open(fs, Dir, 1, options);
        await Rec.Set("k", "v", 1).AppendTo(writer);
        for (int i = 0; i < 1000 && writer.SyncCount < 2; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(2, writer.SyncCount);
    }

    [Fact]
    public async Task SyncAsyncMakesEverythingAppendedDurableUnderPolicyNo()
    {
        var fs = new FaultyFileSystem();
        List<Rec> acknowledged = Records(10);
        LogWriter writer = await OpenWithAcknowledged(fs, acknowledged, FsyncPolicy.No);
        await writer.SyncAsync();
        fs.Crash();
        writer.Dispose();
        fs.PowerLoss();

        Assert.Equal(acknowledged, Recover(fs).Records);
    }

    [Fact]
    public async Task DisposeFlushesAndSyncsThenAppendsFailAsClosed()
    {
        var fs = new FaultyFileSystem();
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.No));
        List<Rec> written = Records(10);
        List<Task> pending = written.Select(r => r.AppendTo(writer)).ToList();
        writer.Dispose();
        await Task.WhenAll(pending);

        await AssertFailsFast(writer, LogFailureKind.Closed);
        fs.PowerLoss();
        Assert.Equal(written, Recover(fs).Records);
    }

    [Fact]
    public async Task RotationSealsEachSegmentSoAPowerLossLeavesAValidPrefix()
    {
        var fs = new FaultyFileSystem();
        List<Rec> written = Records(200);
        var options = Options(FsyncPolicy.No, segmentLimit: 1024);
        LogWriter writer = LogWriter.Open(fs, Dir, 1, options);
        foreach (Rec record in written)
        {
            await record.AppendTo(writer);
        }

        ulong active = writer.ActiveSequence;
        Assert.True(active > 5, $"{active} segments");
        fs.Crash();
        writer.Dispose();
        fs.PowerLoss();
        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt, result.ToString());
        Assert.Equal(written.Take(records.Count), records);
        Assert.Equal((int)active, result.SegmentsRead);
        Assert.True(records.Count >= written.Count - 1024 / 30, $"{records.Count} records survived");
    }

    [Fact]
    public void OpenRefusesAnExistingSegment()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(1));
        Assert.Throws<IOException>(() => LogWriter.Open(fs, Dir, 1, Options()));
    }
}

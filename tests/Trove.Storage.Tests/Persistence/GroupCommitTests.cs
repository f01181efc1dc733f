using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

public sealed class GroupCommitTests
{
    /// <summary>
    /// While the flusher is inside the fsync of the first record (held at a gate), 64 threads append. None of them
    /// may complete before an fsync covers it, and all 64 must share exactly one more fsync.
    /// </summary>
    [Fact]
    public async Task ConcurrentAppendsUnderAlwaysShareOneFsync()
    {
        var fs = new FaultyFileSystem();
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.Always));
        int syncsAtOpen = fs.SyncCount;
        using var gate = new ManualResetEventSlim(false);
        fs.SyncGate = gate;

        Rec first = Rec.Set("first", "v", 1);
        Task firstDone = first.AppendTo(writer);
        Assert.True(await fs.SyncEntered.WaitAsync(TimeSpan.FromSeconds(30)), "the flusher never reached fsync");

        List<Rec> concurrent = Records(64, "concurrent");
        var tasks = new Task[concurrent.Count];
        Parallel.For(0, concurrent.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => tasks[i] = concurrent[i].AppendTo(writer));
        Assert.False(firstDone.IsCompleted);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));

        gate.Set();
        await firstDone;
        await Task.WhenAll(tasks);

        Assert.Equal(syncsAtOpen + 2, fs.SyncCount);
        // The segment header, the first record, the 64 together.
        Assert.Equal(3, fs.Operations.Count(o => o.StartsWith("write ", StringComparison.Ordinal)));

        fs.Crash();
        writer.Dispose();
        fs.PowerLoss();
        (RecoveryResult result, List<Rec> records) = Recover(fs);
        Assert.False(result.IsCorrupt);
        Assert.Equal(first, records[0]);
        Assert.Equal(concurrent.OrderBy(r => r.Key), records.Skip(1).OrderBy(r => r.Key));
    }

    /// <summary>
    /// Four threads append and await, a crash comes after a fixed number of file operations, power is lost with a
    /// torn half of the unsynced bytes kept: every append that completed is recovered, and each thread's recovered
    /// records are a prefix of what it appended (a failed append may or may not have reached the disk).
    /// </summary>
    [Theory]
    [InlineData(40)]
    [InlineData(101)]
    [InlineData(250)]
    public async Task EveryCompletedAppendSurvivesAPowerLossMidStream(int operationsBeforeCrash)
    {
        var fs = new FaultyFileSystem();
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.Always, segmentLimit: 4096));
        fs.CrashAfter(operationsBeforeCrash);
        var acknowledged = new List<Rec>[4];

        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(async () =>
        {
            acknowledged[thread] = [];
            foreach (Rec record in Records(200, $"t{thread}"))
            {
                try
                {
                    await record.AppendTo(writer);
                    acknowledged[thread].Add(record);
                }
                catch (LogWriteFailedException)
                {
                    return;
                }
            }
        })));

        Assert.True(fs.HasCrashed);
        Assert.NotNull(writer.Failure);
        writer.Dispose();
        fs.PowerLoss((_, unsynced) => unsynced / 2);
        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt, result.ToString());
        int total = acknowledged.Sum(a => a.Count);
        Assert.True(total > 0);
        for (int thread = 0; thread < 4; thread++)
        {
            List<Rec> mine = records.Where(r => r.Key.StartsWith($"t{thread}:", StringComparison.Ordinal)).ToList();
            Assert.Equal(Records(200, $"t{thread}").Take(mine.Count), mine);
            Assert.True(mine.Count >= acknowledged[thread].Count, $"thread {thread}: {mine.Count} recovered, {acknowledged[thread].Count} acknowledged");
        }
    }
}

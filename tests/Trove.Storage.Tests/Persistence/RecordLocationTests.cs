using System.Text;
using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

public sealed class RecordLocationTests
{
    /// <summary>
    /// With a small segment limit the records spread over several segments; the location each append returned is
    /// exactly where recovery finds the record (same segment, offset and CRC), and once the append's task has
    /// completed the writer reports it written.
    /// </summary>
    [Fact]
    public async Task AppendLocationsAreWhereRecoveryFindsTheRecords()
    {
        var fs = new FaultyFileSystem();
        List<Rec> records = Records(200);
        var appended = new Dictionary<string, RecordLocation>();
        using (LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.No, segmentLimit: 1024)))
        {
            foreach (Rec record in records)
            {
                byte[] key = Encoding.UTF8.GetBytes(record.Key);
                Task done = writer.AppendAsync(LogRecord.Set(key, Encoding.UTF8.GetBytes(record.Value), record.Flags, 0, record.Cas), out RecordLocation location);
                await done;
                Assert.True(writer.IsWritten(location.Sequence, location.Offset, record.EncodedLength()));
                appended[record.Key] = location;
            }
        }

        var found = new Dictionary<string, RecordLocation>();
        RecoveryResult result = Recovery.Run(fs, Dir, (in LogRecord record) => found[Encoding.UTF8.GetString(record.Key)] = record.Location);

        Assert.True(result.SegmentsRead > 5, $"only {result.SegmentsRead} segments");
        Assert.Equal(appended, found);
        foreach ((string key, RecordLocation location) in appended)
        {
            byte[] file = fs.ReadAllBytes(Path.Combine(Dir, SegmentFiles.NameOf(location.Sequence)));
            Assert.True(RecordFormat.TryReadFrame(file.AsSpan((int)location.Offset), out _, out ReadOnlySpan<byte> body) == FrameStatus.Ok, key);
            Assert.Equal(key, Encoding.UTF8.GetString(RecordFormat.Decode(body).Key));
        }
    }

    /// <summary>A record still in the writer's batch (its write held back) is not reported written.</summary>
    [Fact]
    public async Task ARecordNotYetWrittenIsNotReportedWritten()
    {
        var fs = new FaultyFileSystem();
        using var gate = new ManualResetEventSlim(false);
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.Always));
        fs.SyncGate = gate;
        Task first = writer.AppendAsync(LogRecord.Set("a"u8, "1"u8, 0, 0, 1), out RecordLocation firstAt);
        Assert.True(await fs.SyncEntered.WaitAsync(TimeSpan.FromSeconds(30)));
        // The first batch is written (its fsync is held); the second waits in the next batch.
        Task second = writer.AppendAsync(LogRecord.Set("b"u8, "2"u8, 0, 0, 2), out RecordLocation secondAt);
        Assert.True(writer.IsWritten(firstAt.Sequence, firstAt.Offset, 8 + 1 + 22 + 1 + 1));
        Assert.False(writer.IsWritten(secondAt.Sequence, secondAt.Offset, 8 + 1 + 22 + 1 + 1));
        Assert.Equal(firstAt.Offset + 8 + 1 + 22 + 1 + 1, secondAt.Offset);

        gate.Set();
        await Task.WhenAll(first, second);
        Assert.True(writer.IsWritten(secondAt.Sequence, secondAt.Offset, 8 + 1 + 22 + 1 + 1));
        writer.Dispose();
    }
}

using System.Diagnostics;
using System.Text;
using Trove.Storage.Persistence;
using Xunit.Abstractions;

namespace Trove.Storage.Tests.Persistence;

/// <summary>The real file system, in a temporary directory.</summary>
public sealed class LocalFileSystemTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trove-store-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void EverySeamOperationWorksOnTheRealFileSystem()
    {
        IFileSystem fs = LocalFileSystem.Instance;
        fs.CreateDirectory(_dir);
        string a = Path.Combine(_dir, "a");
        string b = Path.Combine(_dir, "b");
        using (IAppendFile file = fs.OpenAppend(a))
        {
            file.Write("hello "u8);
            file.Write("world"u8);
            file.Sync();
            Assert.Equal(11, file.Length);
        }

        using (IAppendFile file = fs.OpenAppend(a))
        {
            Assert.Equal(11, file.Length);
            file.Write("!"u8);
        }

        fs.SyncDirectory(_dir);
        fs.Truncate(a, 5);
        Assert.Equal(5, fs.GetLength(a));
        fs.Rename(a, b);
        Assert.False(fs.FileExists(a));
        Assert.Equal(["b"], fs.ListFiles(_dir));
        using (IReadFile file = fs.OpenRead(b))
        {
            byte[] buffer = new byte[10];
            Assert.Equal(5, file.Read(0, buffer));
            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, 5));
            Assert.Equal(0, file.Read(5, buffer));
        }

        fs.Delete(b);
        fs.Delete(b);
        Assert.Empty(fs.ListFiles(_dir));
    }

    [Fact]
    public void EnospcIsRecognisedAsDiskFull()
    {
        Assert.Equal(!OperatingSystem.IsWindows(), DiskFull.Is(new IOException("No space left on device", 28)));
        Assert.False(DiskFull.Is(new IOException("Input/output error", 5)));
    }

    /// <summary>/dev/full answers every write with ENOSPC: the real error must read as a full disk.</summary>
    [Fact]
    public void RealEnospcFromDevFullIsRecognisedAsDiskFull()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/dev/full"))
        {
            return;
        }

        using IAppendFile file = LocalFileSystem.Instance.OpenAppend("/dev/full");
        var error = Assert.ThrowsAny<IOException>(() => file.Write(new byte[4096]));
        Assert.True(DiskFull.Is(error), $"HResult {error.HResult}: {error.Message}");
    }

    [Fact]
    public async Task WriterRecoveryAndCompactionWorkOnTheRealFileSystem()
    {
        var fs = LocalFileSystem.Instance;
        RecoveryResult empty = Recovery.Run(fs, _dir, (in LogRecord _) => { });
        List<Rec> written = PersistenceTestHelpers.Records(2000);
        using (LogWriter writer = LogWriter.Open(fs, _dir, empty.NextSequence, new LogWriterOptions { Fsync = FsyncPolicy.Always, SegmentSizeLimit = 16 * 1024 }))
        {
            await Task.WhenAll(written.Select(r => r.AppendTo(writer)));
            await Rec.Delete("key:1").AppendTo(writer);
            Dictionary<string, Rec> state = PersistenceTestHelpers.Replay(written.Append(Rec.Delete("key:1")));
            CompactionResult? compacted = Compactor.Compact(fs, _dir, writer,
                (key, cas) => state.TryGetValue(Encoding.UTF8.GetString(key), out Rec? r) && r.Cas == cas);
            Assert.NotNull(compacted);
        }

        var records = new List<Rec>();
        RecoveryResult result = Recovery.Run(fs, _dir, (in LogRecord r) => records.Add(Rec.From(r)));
        Assert.False(result.IsCorrupt);
        Assert.Equal(PersistenceTestHelpers.Replay(written.Skip(1)), PersistenceTestHelpers.Replay(records));
        Assert.Equal(2, SegmentFiles.List(fs, _dir).Count);
    }

    /// <summary>Prints records/s for replaying 200,000 small records; asserts only the count.</summary>
    [Fact]
    public async Task RecoverySpeedOf200000SmallRecords()
    {
        const int count = 200_000;
        var fs = LocalFileSystem.Instance;
        byte[] value = new byte[32];
        var stopwatch = Stopwatch.StartNew();
        using (LogWriter writer = LogWriter.Open(fs, _dir, 1, new LogWriterOptions { Fsync = FsyncPolicy.No }))
        {
            Task last = Task.CompletedTask;
            for (int i = 0; i < count; i++)
            {
                last = writer.AppendAsync(LogRecord.Set(Encoding.ASCII.GetBytes($"key:{i:d8}"), value, 0, 0, (ulong)i + 1));
            }

            await last;
        }

        TimeSpan writeTime = stopwatch.Elapsed;
        long bytes = CompactionTrigger.LogBytes(fs, _dir);
        long seen = 0;
        stopwatch.Restart();
        RecoveryResult result = Recovery.Run(fs, _dir, (in LogRecord r) => seen += r.Value.Length == 32 ? 1 : 0);
        TimeSpan recoveryTime = stopwatch.Elapsed;

        Assert.Equal(count, result.RecordsRead);
        Assert.Equal(count, seen);
        output.WriteLine($"write: {count} records, {bytes / 1e6:F1} MB in {writeTime.TotalMilliseconds:F0} ms ({count / writeTime.TotalSeconds:N0} records/s)");
        output.WriteLine($"recovery: {count} records in {recoveryTime.TotalMilliseconds:F0} ms = {count / recoveryTime.TotalSeconds:N0} records/s, "
            + $"{bytes / 1e6 / recoveryTime.TotalSeconds:F0} MB/s");
    }
}

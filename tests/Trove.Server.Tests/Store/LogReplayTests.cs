using System.Text;
using Trove.Server.Store;
using Trove.Storage;
using Trove.Storage.Persistence;

namespace Trove.Server.Tests.Store;

/// <summary><see cref="LogReplay"/> on its own: how it sizes the engine's index from the log it is about to replay.</summary>
public sealed class LogReplayTests : IDisposable
{
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReplaySizesTheIndexForAsManyItemsAsTheLogHoldsRecordsAndLoadsThemAll()
    {
        WriteSets(20_000);
        using var engine = new CacheEngine(new EngineOptions(), TimeProvider.System);
        long logBytes = CompactionTrigger.LogBytes(LocalFileSystem.Instance, _dir.DataDir);
        var replay = new LogReplay(engine, logBytes);

        RecoveryResult result = Recovery.Run(LocalFileSystem.Instance, _dir.DataDir, replay.Apply);

        Assert.Equal(20_000, result.RecordsRead);
        // Every record has the same size, so the sample's average predicts the count exactly (the header is too
        // small to add one).
        Assert.Equal(20_000, replay.ReservedItems);
        Assert.Equal(20_000, engine.GetStats().CurrItems);
    }

    [Fact]
    public void ALogShorterThanTheSampleReservesNothing()
    {
        WriteSets(LogReplay.SampleRecords - 1);
        using var engine = new CacheEngine(new EngineOptions(), TimeProvider.System);
        var replay = new LogReplay(engine, CompactionTrigger.LogBytes(LocalFileSystem.Instance, _dir.DataDir));

        Recovery.Run(LocalFileSystem.Instance, _dir.DataDir, replay.Apply);

        Assert.Equal(0, replay.ReservedItems);
        Assert.Equal(LogReplay.SampleRecords - 1, engine.GetStats().CurrItems);
    }

    private void WriteSets(int count)
    {
        byte[] value = new byte[40];
        using LogWriter writer = LogWriter.Open(LocalFileSystem.Instance, _dir.DataDir, 1, new LogWriterOptions { Fsync = FsyncPolicy.No });
        for (int i = 0; i < count; i++)
        {
            byte[] key = Encoding.ASCII.GetBytes($"key:{i:D6}");
            _ = writer.AppendAsync(LogRecord.Set(key, value, 0, 0, (ulong)i + 1, ItemBits.None));
        }
    }
}

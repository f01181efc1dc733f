namespace Trove.Storage.Tests;

public sealed class StatsTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public StatsTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void ResetClearsCountersButKeepsItemCounts()
    {
        _engine.Set("a", "1");
        _engine.Set("b", "2");
        _engine.GetText("a");
        _engine.GetText("missing");
        _engine.Delete("b");
        _engine.Incr("a", 1);
        EngineStats before = _engine.GetStats();

        _engine.ResetStats();

        EngineStats after = _engine.GetStats();
        Assert.Equal(1, before.GetHits);
        Assert.Equal(0, after.GetHits);
        Assert.Equal(0, after.GetMisses);
        Assert.Equal(0, after.DeleteHits);
        Assert.Equal(0, after.IncrHits);
        Assert.Equal(0, after.CmdSet);
        Assert.Equal(0, after.TotalItems);
        Assert.Equal(before.CurrItems, after.CurrItems);
        Assert.Equal(before.Bytes, after.Bytes);
        Assert.Equal(1, after.Classes[0].Number);
    }

    [Fact]
    public void PerClassStatsShowChunkGeometryAndHits()
    {
        _engine.Set("a", "1");
        _engine.GetText("a");
        _engine.GetText("a");

        SlabClassStats cls = Assert.Single(_engine.GetStats().Classes);
        Assert.Equal(1, cls.Id);
        Assert.Equal(96, cls.ChunkSize);
        Assert.Equal(10922, cls.ChunksPerPage);
        Assert.Equal(1, cls.TotalPages);
        Assert.Equal(1, cls.UsedChunks);
        Assert.Equal(10921, cls.FreeChunks);
        Assert.Equal(2, cls.GetHits);
        Assert.Equal(1, cls.CmdSet);
        Assert.Equal(30, cls.MemRequested);
    }

    [Fact]
    public void SlabClassesFollowMemcachedsSizes()
    {
        int[] memcachedSizes = [96, 120, 152, 192, 240, 304, 384, 480, 600, 752, 944, 1184, 1480];
        for (int i = 0; i < memcachedSizes.Length; i++)
        {
            // An item exactly as large as our header allows in each class lands in that class.
            _engine.Set($"k{i:D2}", EngineTestHelpers.Value(memcachedSizes[i] - 28 - 3));
        }

        int[] chunkSizes = _engine.GetStats().Classes.Select(c => c.ChunkSize).ToArray();
        Assert.Equal(memcachedSizes, chunkSizes);
    }

    [Fact]
    public void ABenchmarkItemTakesASmallerChunkThanInMemcached()
    {
        // key:0000001 with a 100-byte value: memcached needs 48+8+12+102 = 170 bytes, a 192-byte chunk.
        _engine.Set("key:0000001", EngineTestHelpers.Value(100));

        SlabClassStats cls = Assert.Single(_engine.GetStats().Classes);
        Assert.Equal(152, cls.ChunkSize);
        Assert.Equal(139, cls.MemRequested);
        Assert.Equal(139, _engine.GetStats().Bytes);
    }

    [Fact]
    public void HashStatsReportTheTables()
    {
        EngineStats stats = _engine.GetStats();

        Assert.Equal(16 * 16 * 8, stats.HashBytes);
        Assert.Equal(8, stats.HashPowerLevel);
    }

    [Fact]
    public void HashTablesGrowByHalfOnceFourFifthsFull()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, partitions: 1);
        // Growth sequence 16, 24, 36, 54, 81, 121, 181, 271, 406, 609, 913, 1369: 913 slots hold 730 entries.
        for (int i = 0; i < 730; i++)
        {
            engine.Set($"k{i}", "v");
        }

        Assert.Equal(913 * 8, engine.GetStats().HashBytes);
        engine.Set("one more", "v");
        Assert.Equal(1369 * 8, engine.GetStats().HashBytes);
        Assert.Equal(10, engine.GetStats().HashPowerLevel);
    }

    [Fact]
    public void DisposeReleasesAllItemMemory()
    {
        var clock = new ManualTimeProvider();
        var engine = EngineTestHelpers.Create(clock, maxItemSize: 4 << 20);
        engine.Set("small", "v");
        engine.Set("large", EngineTestHelpers.Value(2 << 20));
        Assert.True(engine.GetStats().TotalMalloced > 2 << 20);

        engine.Dispose();
        engine.Dispose();

        Assert.Equal(0, engine.GetStats().TotalMalloced);
    }
}

namespace Trove.Storage.Tests;

public sealed class EvictionTests
{
    private const int Page = 1 << 20;
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void SlabMemoryNeverExceedsTheLimitAndEvictionsAreCounted()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 4 * Page);
        string value = EngineTestHelpers.Value(100);
        const int stores = 60_000;

        for (int i = 0; i < stores; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"key:{i:D6}", value).Status);
            if (i % 5000 == 0)
            {
                Assert.True(engine.GetStats().TotalMalloced <= 4 * Page);
            }
        }

        EngineStats stats = engine.GetStats();
        SlabClassStats cls = Assert.Single(stats.Classes);
        Assert.True(stats.TotalMalloced <= 4 * Page);
        Assert.Equal(4, cls.TotalPages);
        Assert.Equal(cls.TotalChunks, stats.CurrItems);
        Assert.Equal(stores - stats.CurrItems, stats.Evictions);
        Assert.Equal(stats.Evictions, stats.EvictedUnfetched);
        Assert.Equal(stats.Evictions, cls.Evicted);
        for (int i = stores - 1000; i < stores; i++)
        {
            Assert.Equal(value, engine.Peek($"key:{i:D6}"));
        }
    }

    [Fact]
    public void RecentlyReadItemsSurviveWhileUnreadOnesAreEvicted()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: Page);
        engine.Set("k000000", "0123456789");
        int capacity = (int)engine.GetStats().Classes[0].ChunksPerPage;
        for (int i = 1; i < capacity; i++)
        {
            engine.Set($"k{i:D6}", "0123456789");
        }

        for (int i = 0; i < capacity; i += 2)
        {
            Assert.Equal("0123456789", engine.GetText($"k{i:D6}"));
        }

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"new{i:D6}", "0123456789").Status);
        }

        for (int i = 0; i < capacity; i += 2)
        {
            Assert.Equal("0123456789", engine.Peek($"k{i:D6}"));
        }

        int unreadLeft = 0;
        for (int i = 1; i < capacity; i += 2)
        {
            unreadLeft += engine.Peek($"k{i:D6}") is null ? 0 : 1;
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(1000, stats.Evictions);
        Assert.Equal(1000, stats.EvictedUnfetched);
        Assert.Equal(capacity / 2 - 1000, unreadLeft);
    }

    [Fact]
    public void ExpiredItemsAreReclaimedBeforeLiveOnesAreEvicted()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: Page);
        engine.Set("k000000", "0123456789");
        int capacity = (int)engine.GetStats().Classes[0].ChunksPerPage;
        for (int i = 1; i < capacity; i++)
        {
            engine.Set($"k{i:D6}", "0123456789", exptime: i % 2 == 1 ? 10 : 0);
        }

        _clock.AdvanceSeconds(20);
        for (int i = 0; i < 500; i++)
        {
            engine.Set($"new{i:D6}", "0123456789");
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(0, stats.Evictions);
        Assert.Equal(500, stats.Reclaimed);
        Assert.Equal(500, stats.ExpiredUnfetched);
        for (int i = 0; i < capacity; i += 2)
        {
            Assert.NotNull(engine.Peek($"k{i:D6}"));
        }
    }

    [Fact]
    public void EvictionCountsItemsWithAnExptimeAsNonzero()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: Page);
        engine.Set("k000000", "0123456789", exptime: 1000);
        int capacity = (int)engine.GetStats().Classes[0].ChunksPerPage;
        for (int i = 1; i <= capacity; i++)
        {
            engine.Set($"k{i:D6}", "0123456789", exptime: i == capacity ? 0 : 1000);
        }

        SlabClassStats cls = engine.GetStats().Classes[0];
        Assert.Equal(1, cls.Evicted);
        Assert.Equal(1, cls.EvictedNonzero);
        Assert.Equal(0u, cls.EvictedTime);
    }

    [Fact]
    public void SmallItemsMakeWayForLargerOnesWhenTheWorkloadShifts()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 8 * Page);
        FillWithSmallItems(engine);

        _clock.AdvanceSeconds(100);
        string big = EngineTestHelpers.Value(200_000, 'B');
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"big{i}", big).Status);
        }

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(big, engine.Peek($"big{i}"));
        }

        EngineStats stats = engine.GetStats();
        Assert.True(stats.TotalMalloced <= 8 * Page);
        Assert.True(stats.SlabsMoved >= 4);
        Assert.True(stats.SlabReassignEvictions > 0);
        Assert.Equal(2, stats.Classes.Count);
    }

    [Fact]
    public void ItemsLargerThanAPageTakeMemoryFromSlabs()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 8 * Page, maxItemSize: 4 * Page);
        FillWithSmallItems(engine);

        _clock.AdvanceSeconds(100);
        string huge = EngineTestHelpers.Value(2 * Page, 'H');
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"huge{i}", huge).Status);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(huge, engine.Peek($"huge{i}"));
        }

        EngineStats stats = engine.GetStats();
        Assert.True(stats.TotalMalloced <= 8 * Page);
        SlabClassStats large = Assert.Single(stats.Classes, c => c.IsLarge);
        Assert.Equal(3, large.Number);
    }

    [Fact]
    public void LargeItemsEvictEachOtherWhenTheyAreTheOldest()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 8 * Page, maxItemSize: 4 * Page);
        string huge = EngineTestHelpers.Value(3 * Page, 'H');

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"huge{i}", huge).Status);
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(huge, engine.Peek("huge5"));
        Assert.Equal(2, stats.CurrItems);
        Assert.Equal(4, stats.Evictions);
        Assert.True(stats.TotalMalloced <= 8 * Page);
    }

    [Fact]
    public void AnItemLargerThanTheWholeLimitIsOutOfMemoryWithoutEvicting()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 2 * Page, maxItemSize: 4 * Page);
        engine.Set("small", "v");

        Assert.Equal(StoreStatus.OutOfMemory, engine.Set("huge", EngineTestHelpers.Value(3 * Page)).Status);
        Assert.Equal("v", engine.Peek("small"));
    }

    [Fact]
    public void FreePagesGoBackToThePoolForOtherClasses()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 4 * Page);
        int count = FillWithSmallItems(engine);
        long evictionsBefore = engine.GetStats().Evictions;

        for (int i = 0; i < count; i++)
        {
            engine.Delete($"small{i}");
        }

        int moved = 0;
        for (int round = 0; round < 4; round++)
        {
            moved += engine.RebalanceMemory();
        }

        string medium = EngineTestHelpers.Value(1000);
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"medium{i}", medium).Status);
        }

        EngineStats stats = engine.GetStats();
        Assert.True(moved >= 2);
        Assert.Equal(2000, stats.CurrItems);
        Assert.Equal(evictionsBefore, stats.Evictions);
        Assert.True(stats.TotalMalloced <= 4 * Page);
    }

    [Fact]
    public void LoweringTheLimitReleasesMemoryOnRebalance()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 8 * Page);
        FillWithSmallItems(engine);

        engine.SetMemoryLimit(4 * Page);
        engine.RebalanceMemory();

        EngineStats stats = engine.GetStats();
        Assert.Equal(4 * Page, stats.TotalMalloced);
        Assert.Equal(4 * Page, stats.LimitMaxBytes);
        Assert.Equal(stats.CurrItems, stats.Classes[0].UsedChunks);
    }

    /// <summary>Stores 26-byte items until memory is full and they start to evict; returns how many were stored.</summary>
    private static int FillWithSmallItems(CacheEngine engine)
    {
        int count = 0;
        while (true)
        {
            for (int i = 0; i < 1000; i++, count++)
            {
                engine.Set($"small{count}", "0123456789");
            }

            if (engine.GetStats().Evictions > 0)
            {
                return count;
            }
        }
    }
}

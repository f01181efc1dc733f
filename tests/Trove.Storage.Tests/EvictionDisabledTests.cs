namespace Trove.Storage.Tests;

/// <summary>memcached -M (<see cref="EngineOptions.EvictionDisabled"/>): a full engine refuses, it never drops a live item.</summary>
public sealed class EvictionDisabledTests
{
    private const int Page = 1 << 20;
    private readonly ManualTimeProvider _clock = new();

    private CacheEngine Create(long memoryLimit, int maxItemSize = 1 << 20)
        => new(new EngineOptions { MemoryLimitBytes = memoryLimit, PartitionCount = 16, MaxItemSize = maxItemSize, EvictionDisabled = true }, _clock);

    /// <summary>Sets <paramref name="prefix"/>N for N = 0, 1, ... until the first refusal; returns how many were stored.</summary>
    private static int FillUntilOutOfMemory(CacheEngine engine, string prefix, string value, long exptime = 0, int max = 200_000)
    {
        for (int i = 0; i < max; i++)
        {
            StoreStatus status = engine.Set($"{prefix}{i:D6}", value, exptime: exptime).Status;
            if (status == StoreStatus.OutOfMemory)
            {
                return i;
            }

            Assert.Equal(StoreStatus.Stored, status);
        }

        Assert.Fail($"{max} items of {value.Length} bytes never filled the engine");
        return max;
    }

    private static void AssertAllPresent(CacheEngine engine, string prefix, int count, string value)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(value, engine.Peek($"{prefix}{i:D6}"));
        }
    }

    [Fact]
    public void AFullEngineRefusesStoresAndKeepsEveryItem()
    {
        using CacheEngine engine = Create(2 * Page);
        string value = EngineTestHelpers.Value(100);
        int stored = FillUntilOutOfMemory(engine, "key:", value);
        Assert.True(stored > 10_000, $"only {stored} stored");

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(StoreStatus.OutOfMemory, engine.Set($"more:{i}", value).Status);
            Assert.Equal(StoreStatus.OutOfMemory, engine.Store(StoreMode.Add, $"add:{i}", value).Status);
        }

        AssertAllPresent(engine, "key:", stored, value);
        EngineStats stats = engine.GetStats();
        Assert.Equal(0, stats.Evictions);
        Assert.Equal(0, stats.SlabReassignEvictions);
        Assert.Equal(stored, stats.CurrItems);
        Assert.Equal(201, stats.OutOfMemory);
        Assert.True(stats.TotalMalloced <= 2 * Page);
    }

    [Fact]
    public void ARefusedSetKeepsTheOldValue()
    {
        using CacheEngine engine = Create(2 * Page);
        string value = EngineTestHelpers.Value(100);
        int stored = FillUntilOutOfMemory(engine, "key:", value);

        // The new value needs a chunk of its own before the old one is released, and there is none.
        Assert.Equal(StoreStatus.OutOfMemory, engine.Set("key:000007", EngineTestHelpers.Value(100, 'n')).Status);
        Assert.Equal(StoreStatus.OutOfMemory, engine.Store(StoreMode.Replace, "key:000008", EngineTestHelpers.Value(100, 'n')).Status);
        // memcached answers NOT_STORED when the combined item of an append cannot be allocated.
        Assert.Equal(StoreStatus.NotStored, engine.Store(StoreMode.Append, "key:000009", "x").Status);
        AssertAllPresent(engine, "key:", stored, value);
        Assert.Equal(0, engine.GetStats().Evictions);

        // A delete frees a chunk, which the next store takes.
        Assert.Equal(DeleteStatus.Deleted, engine.Delete("key:000001"));
        Assert.Equal(StoreStatus.Stored, engine.Set("key:000007", EngineTestHelpers.Value(100, 'n')).Status);
        Assert.Equal(EngineTestHelpers.Value(100, 'n'), engine.Peek("key:000007"));
    }

    [Fact]
    public void ExpiredItemsAreReclaimedAndTheirSpaceReused()
    {
        using CacheEngine engine = Create(2 * Page);
        string value = EngineTestHelpers.Value(100);
        int mortal = FillUntilOutOfMemory(engine, "mortal:", value, exptime: 10);
        _clock.AdvanceSeconds(11);

        int stored = FillUntilOutOfMemory(engine, "key:", value);
        Assert.Equal(mortal, stored);
        AssertAllPresent(engine, "key:", stored, value);
        EngineStats stats = engine.GetStats();
        Assert.Equal(0, stats.Evictions);
        Assert.Equal(mortal, stats.Reclaimed);
        Assert.Equal(stored, stats.CurrItems);
    }

    [Fact]
    public void FlushedItemsAreReclaimed()
    {
        using CacheEngine engine = Create(2 * Page);
        string value = EngineTestHelpers.Value(100);
        int first = FillUntilOutOfMemory(engine, "old:", value);
        engine.FlushAll(engine.Now);

        Assert.Equal(first, FillUntilOutOfMemory(engine, "new:", value));
        Assert.Equal(0, engine.GetStats().Evictions);
    }

    [Fact]
    public void PageMovesNeverDropALiveItem()
    {
        using CacheEngine engine = Create(4 * Page);
        string small = EngineTestHelpers.Value(100);
        string big = EngineTestHelpers.Value(2000);
        int smallCount = FillUntilOutOfMemory(engine, "s:", small);

        // Another class: its first page may exceed the limit (memcached's exception); after that it gets nothing,
        // since every page of the full class holds live items that have nowhere else to go.
        int bigCount = FillUntilOutOfMemory(engine, "b:", big);
        Assert.True(bigCount > 0);
        Assert.Equal(0, engine.RebalanceMemory());
        AssertAllPresent(engine, "s:", smallCount, small);
        AssertAllPresent(engine, "b:", bigCount, big);
        EngineStats full = engine.GetStats();
        Assert.Equal(0, full.Evictions);
        Assert.Equal(0, full.SlabReassignEvictions);
        Assert.Equal(0, full.SlabsMoved);

        // Free half of the small class, spread over all its pages: now its pages can be emptied by moving their
        // remaining items into the freed chunks, and the big class grows without anything being lost.
        var kept = new List<int>();
        for (int i = 0; i < smallCount; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(DeleteStatus.Deleted, engine.Delete($"s:{i:D6}"));
            }
            else
            {
                kept.Add(i);
            }
        }

        int more = 0;
        while (more < 100_000 && engine.Set($"b2:{more:D6}", big).Status == StoreStatus.Stored)
        {
            more++;
        }

        engine.RebalanceMemory();
        EngineStats after = engine.GetStats();
        Assert.True(after.SlabsMoved > 0, "no page moved");
        Assert.True(after.SlabReassignRescues > 0);
        Assert.Equal(0, after.SlabReassignEvictions);
        Assert.Equal(0, after.Evictions);
        Assert.True(more > 0);
        foreach (int i in kept)
        {
            Assert.Equal(small, engine.Peek($"s:{i:D6}"));
        }

        AssertAllPresent(engine, "b:", bigCount, big);
        AssertAllPresent(engine, "b2:", more, big);
        Assert.Equal(kept.Count + bigCount + more, after.CurrItems);
    }

    [Fact]
    public void LargeItemsAreNeverEvicted()
    {
        using CacheEngine engine = Create(8 * Page, maxItemSize: 4 * Page);
        string large = EngineTestHelpers.Value(1_500_000);
        int stored = FillUntilOutOfMemory(engine, "L:", large);
        Assert.True(stored >= 4, $"only {stored} stored");

        // A small item in a class with no page still gets its first page (memcached's exception); a second
        // large item of another key never pushes one out.
        Assert.Equal(StoreStatus.OutOfMemory, engine.Set("L:other", large).Status);
        engine.RebalanceMemory();
        AssertAllPresent(engine, "L:", stored, large);
        Assert.Equal(0, engine.GetStats().Evictions);
    }

    [Fact]
    public void ExpiredLargeItemsAreReclaimed()
    {
        using CacheEngine engine = Create(8 * Page, maxItemSize: 4 * Page);
        string large = EngineTestHelpers.Value(1_500_000);
        int mortal = FillUntilOutOfMemory(engine, "L:", large, exptime: 5);
        _clock.AdvanceSeconds(6);
        Assert.Equal(mortal, FillUntilOutOfMemory(engine, "N:", large));
        Assert.Equal(0, engine.GetStats().Evictions);
    }

    [Fact]
    public void GrowingANumberWhenFullIsOutOfMemoryAndLeavesItUnchanged()
    {
        using CacheEngine engine = Create(2 * Page);
        Assert.Equal(StoreStatus.Stored, engine.Set("n", "99").Status);
        int stored = FillUntilOutOfMemory(engine, "k", "12");

        ArithmeticResult result = engine.Incr("n", 1);
        Assert.Equal(ArithmeticStatus.OutOfMemory, result.Status);
        Assert.Equal("99", engine.Peek("n"));

        // Not growing needs no memory: written in place.
        Assert.Equal(ArithmeticStatus.Ok, engine.Decr("n", 9).Status);
        Assert.Equal("90", engine.Peek("n"));
        AssertAllPresent(engine, "k", stored, "12");
        EngineStats stats = engine.GetStats();
        Assert.Equal(0, stats.Evictions);
        Assert.Equal(2, stats.OutOfMemory);
    }

    [Fact]
    public async Task UnderConcurrentTrafficAndPageMovesEveryAcknowledgedValueStays()
    {
        using CacheEngine engine = Create(4 * Page);
        const int Threads = 4;
        const int Keys = 12_000;
        using var stop = new CancellationTokenSource();
        var expected = new Dictionary<string, string>[Threads];
        var rebalancer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                engine.RebalanceMemory();
            }
        });

        Parallel.For(0, Threads, t =>
        {
            var random = new Random(20261122 + t);
            var mine = expected[t] = [];
            for (int op = 0; op < 40_000; op++)
            {
                // First small values fill memory; then small keys are deleted while big values arrive, so the big
                // class can only grow by pages moved out of the small class (its items re-homed, never dropped).
                bool late = op >= 15_000;
                string key = late && op % 2 == 0 ? $"t{t}:b{random.Next(Keys)}" : $"t{t}:s{random.Next(Keys)}";
                if (late && op % 2 == 1)
                {
                    if (engine.Delete(key) == DeleteStatus.Deleted)
                    {
                        Assert.True(mine.Remove(key));
                    }

                    continue;
                }

                string value = $"{op}:".PadRight(late ? 2000 : 100, 'x');
                StoreStatus status = engine.Set(key, value).Status;
                if (status == StoreStatus.Stored)
                {
                    mine[key] = value;
                }
                else
                {
                    Assert.Equal(StoreStatus.OutOfMemory, status);
                }
            }
        });
        stop.Cancel();
        await rebalancer;

        EngineStats stats = engine.GetStats();
        Assert.Equal(0, stats.Evictions);
        Assert.Equal(0, stats.SlabReassignEvictions);
        Assert.True(stats.OutOfMemory > 0, "memory never filled");
        // Pages usually move here, but how many depends on scheduling (a page with an item in flight is skipped),
        // so only the deterministic PageMovesNeverDropALiveItem insists that they do.
        Assert.Equal(expected.Sum(e => e.Count), stats.CurrItems);
        foreach (Dictionary<string, string> mine in expected)
        {
            foreach ((string key, string value) in mine)
            {
                Assert.Equal(value, engine.Peek(key));
            }
        }
    }

    [Fact]
    public void WithEvictionTheSameFillEvicts()
    {
        // The control: the default engine makes room by evicting.
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 2 * Page);
        string value = EngineTestHelpers.Value(100);
        for (int i = 0; i < 30_000; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"key:{i:D6}", value).Status);
        }

        Assert.True(engine.GetStats().Evictions > 0);
    }
}

using System.Text;

namespace Trove.Storage.Tests;

/// <summary>Keys longer than memcached's 250 bytes (<see cref="EngineOptions.MaxKeyLength"/>, store mode).</summary>
public sealed class LongKeyTests : IDisposable
{
    private const int Page = 1 << 20;
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public LongKeyTests() => _engine = Create();

    public void Dispose() => _engine.Dispose();

    private CacheEngine Create(long memoryLimit = 64L * Page, bool evictionDisabled = false, int maxKeyLength = ItemHeader.MaxKeyLength, int partitions = 16)
        => new(new EngineOptions
        {
            MemoryLimitBytes = memoryLimit,
            PartitionCount = partitions,
            MaxKeyLength = maxKeyLength,
            EvictionDisabled = evictionDisabled,
        }, _clock);

    /// <summary>A key of exactly <paramref name="length"/> bytes that starts with <paramref name="name"/>.</summary>
    private static string Key(string name, int length) => name.PadRight(length, '.');

    [Theory]
    [InlineData(251)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(60_000)]
    [InlineData(65_535)]
    public void LongKeysAreStoredReadAndDeleted(int length)
    {
        string key = Key("k", length);
        Assert.Equal(StoreStatus.Stored, _engine.Set(key, "value", flags: 5).Status);

        Capture got = _engine.Get(key);
        Assert.Equal("value", got.Text);
        Assert.Equal(key, got.Key);
        Assert.Equal(5u, got.Flags);
        Assert.Null(_engine.GetText(Key("k", length - 1)));
        Assert.Null(_engine.GetText(key + "."));
        Invariants.Check(_engine);

        Assert.Equal(DeleteStatus.Deleted, _engine.Delete(key));
        Assert.Null(_engine.GetText(key));
        Assert.Equal(0, _engine.GetStats().CurrItems);
    }

    [Fact]
    public void KeysOfEveryLengthAroundTheMarkerStayDistinct()
    {
        for (int length = 240; length <= 270; length++)
        {
            Assert.Equal(StoreStatus.Stored, _engine.Set(Key("same", length), $"v{length}").Status);
        }

        for (int length = 240; length <= 270; length++)
        {
            Assert.Equal($"v{length}", _engine.GetText(Key("same", length)));
        }

        Invariants.Check(_engine);
    }

    [Fact]
    public void KeysOverTheConfiguredLimitAreNeitherStoredNorFound()
    {
        using CacheEngine engine = Create(maxKeyLength: 300);
        Assert.Equal(StoreStatus.Stored, engine.Set(Key("a", 300), "v").Status);
        Assert.Equal(StoreStatus.TooLarge, engine.Set(Key("a", 301), "v").Status);
        Assert.Null(engine.GetText(Key("a", 301)));
        Assert.False(engine.ItemFits(301, 1));
        Assert.True(engine.ItemFits(300, 1));

        using CacheEngine memcachedLike = EngineTestHelpers.Create(_clock);
        Assert.Equal(StoreStatus.TooLarge, memcachedLike.Set(Key("a", 251), "v").Status);
        Assert.Equal(StoreStatus.Stored, memcachedLike.Set(Key("a", 250), "v").Status);
    }

    [Fact]
    public void MaxKeyLengthOutsideOneTo65535IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(maxKeyLength: 65_536));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(maxKeyLength: 0));
    }

    [Fact]
    public void AppendPrependIncrTouchAndCasWorkOnLongKeys()
    {
        string key = Key("ops", 1000);
        _engine.Set(key, "10");
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Append, key, "0").Status);
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Prepend, key, "1").Status);
        Assert.Equal("1100", _engine.GetText(key));

        ArithmeticResult incr = _engine.Incr(key, 11);
        Assert.Equal(ArithmeticStatus.Ok, incr.Status);
        Assert.Equal(1111ul, incr.Value);
        Assert.Equal(1110ul, _engine.Decr(key, 1).Value);

        Assert.Equal(TouchStatus.Touched, _engine.Touch(key, 100));
        Assert.Equal(100, _engine.Get(key).Ttl);

        ulong cas = _engine.Get(key).Cas;
        Assert.Equal(StoreStatus.Exists, _engine.Cas(key, "stale", cas + 1).Status);
        Assert.Equal(StoreStatus.Stored, _engine.Cas(key, "fresh", cas).Status);
        Assert.Equal("fresh", _engine.GetText(key));
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Add, key, "again").Status);
        Invariants.Check(_engine);
    }

    [Fact]
    public void LongKeyItemsExpireAndAreReclaimedByTheCrawler()
    {
        string lazy = Key("lazy", 700);
        string crawled = Key("crawled", 7000);
        _engine.Set(lazy, "v", exptime: 5);
        _engine.Set(crawled, "v", exptime: 5);
        _engine.Set(Key("kept", 700), "v");
        _clock.AdvanceSeconds(6);

        Assert.Null(_engine.GetText(lazy));
        Assert.Equal(1, _engine.CrawlExpired(1000));
        Assert.Equal(1, _engine.GetStats().CurrItems);
        Assert.Equal("v", _engine.GetText(Key("kept", 700)));
        Invariants.Check(_engine);
    }

    [Fact]
    public void PartitionIterationShowsWholeLongKeys()
    {
        using CacheEngine engine = Create(partitions: 4);
        var expected = new Dictionary<string, string>();
        for (int i = 0; i < 200; i++)
        {
            string key = Key($"p{i}:", 200 + (i * 37 % 2000));
            engine.Set(key, $"value {i}");
            expected[key] = $"value {i}";
        }

        var seen = new Dictionary<string, string>();
        for (int p = 0; p < 4; p++)
        {
            var collector = new Collector(seen);
            engine.ForEachInPartition(p, ref collector);
        }

        Assert.Equal(expected.OrderBy(e => e.Key), seen.OrderBy(e => e.Key));
        Invariants.Check(engine);
    }

    [Fact]
    public void EvictionTakesLongKeyItemsCleanly()
    {
        using CacheEngine engine = Create(memoryLimit: 2 * Page);
        string value = EngineTestHelpers.Value(200);
        for (int i = 0; i < 20_000; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set(Key($"e{i}:", 400), value).Status);
        }

        EngineStats stats = engine.GetStats();
        Assert.True(stats.Evictions > 0);
        Assert.Equal(value, engine.GetText(Key("e19999:", 400)));
        Invariants.Check(engine);
    }

    /// <summary>Page moves re-home long-key items into free chunks of their class without losing one.</summary>
    [Fact]
    public void PageMovesKeepEveryLongKeyItem()
    {
        using CacheEngine engine = Create(memoryLimit: 4 * Page, evictionDisabled: true);
        string small = EngineTestHelpers.Value(10);
        string big = EngineTestHelpers.Value(2000);
        int smallCount = 0;
        while (engine.Set(Key($"s:{smallCount}:", 300), small).Status == StoreStatus.Stored)
        {
            smallCount++;
        }

        var kept = new List<int>();
        for (int i = 0; i < smallCount; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(DeleteStatus.Deleted, engine.Delete(Key($"s:{i}:", 300)));
            }
            else
            {
                kept.Add(i);
            }
        }

        int bigCount = 0;
        while (bigCount < 100_000 && engine.Set($"b:{bigCount}", big).Status == StoreStatus.Stored)
        {
            bigCount++;
        }

        engine.RebalanceMemory();
        EngineStats after = engine.GetStats();
        Assert.True(after.SlabsMoved > 0, "no page moved");
        Assert.True(after.SlabReassignRescues > 0);
        Assert.Equal(0, after.Evictions);
        foreach (int i in kept)
        {
            Assert.Equal(small, engine.Peek(Key($"s:{i}:", 300)));
        }

        Invariants.Check(engine);
    }

    [Fact]
    public void LongKeysCostTwoBytesAndShortKeysNothing()
    {
        _engine.Set(Key("a", 254), "v");
        long shortBytes = _engine.GetStats().Bytes;
        _engine.Delete(Key("a", 254));
        _engine.Set(Key("a", 255), "v");
        long longBytes = _engine.GetStats().Bytes;

        Assert.Equal(ItemHeader.Size + 254 + 1, shortBytes);
        Assert.Equal(ItemHeader.Size + 2 + 255 + 1, longBytes);
        Assert.Equal(28, ItemHeader.Size);
    }

    private readonly struct Collector : IItemReader
    {
        public Collector(Dictionary<string, string> items) => Items = items;

        public Dictionary<string, string> Items { get; }

        public void Read(in ItemView item) => Items[Encoding.ASCII.GetString(item.Key)] = Encoding.ASCII.GetString(item.Value);
    }
}

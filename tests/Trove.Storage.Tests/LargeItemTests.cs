namespace Trove.Storage.Tests;

public sealed class LargeItemTests
{
    private const int MiB = 1 << 20;

    [Fact]
    public void ItemsUpToSixtyFourMegabytesAreStoredAndReadBack()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 256L * MiB, maxItemSize: 64 * MiB);
        byte[] value = new byte[64 * MiB - 100];
        new Random(1).NextBytes(value);

        StoreResult stored = engine.Store("big", value, new StoreRequest { Mode = StoreMode.Set, Flags = 3 });
        Capture got = engine.Get("big");

        Assert.Equal(StoreStatus.Stored, stored.Status);
        Assert.Equal(value, got.Value);
        Assert.Equal(3u, got.Flags);
        Assert.Equal(DeleteStatus.Deleted, engine.Delete("big"));
        Assert.Equal(0, engine.GetStats().TotalMalloced);
    }

    [Fact]
    public void AppendCanGrowAnItemPastAPage()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, maxItemSize: 4 * MiB);
        string part = EngineTestHelpers.Value(700_000, 'a');
        engine.Set("k", part);

        Assert.Equal(StoreStatus.Stored, engine.Store(StoreMode.Append, "k", EngineTestHelpers.Value(700_000, 'b')).Status);

        string? text = engine.GetText("k");
        Assert.Equal(1_400_000, text!.Length);
        Assert.Equal(part + EngineTestHelpers.Value(700_000, 'b'), text);
    }

    [Fact]
    public void IncrRefusesItemsMemcachedWouldHaveChunked()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock);
        engine.Set("n", "1" + EngineTestHelpers.Value(600_000, ' '));

        Assert.Equal(ArithmeticStatus.NonNumeric, engine.Incr("n", 1).Status);
    }
}

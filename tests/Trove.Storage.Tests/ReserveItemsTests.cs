using System.Buffers;
using System.Text;

namespace Trove.Storage.Tests;

/// <summary><see cref="CacheEngine.ReserveItems"/>: sizing every partition's index before a bulk load (store mode's replay).</summary>
public sealed class ReserveItemsTests
{
    [Fact]
    public void ReservingForAMillionItemsGivesTheIndexAMillionStoresWouldGrowAndKeepsWhatIsStored()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 1L << 30, partitions: 1024);
        engine.Set("before", "kept");

        engine.ReserveItems(1_000_000);

        // IndexMemoryTests: a million stores leave every partition's table at 1369 slots.
        Assert.Equal(1024L * 1369 * 8, engine.GetStats().HashBytes);
        Assert.Equal("kept", engine.Get("before").Text);
    }

    [Fact]
    public void StoresAfterAReservationAreAllFoundAndNeedNoLargerIndex()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 64L << 20, partitions: 16);
        engine.ReserveItems(20_000);
        long reserved = engine.GetStats().HashBytes;
        var value = new ReadOnlySequence<byte>(new byte[10]);
        var request = new StoreRequest { Mode = StoreMode.Set };
        for (int i = 0; i < 20_000; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Store(Encoding.ASCII.GetBytes($"k{i}"), value, request).Status);
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(20_000, stats.CurrItems);
        Assert.Equal(reserved, stats.HashBytes);
        Assert.Equal(GetStatus.Hit, StatusOf(engine, "k0"));
        Assert.Equal(GetStatus.Hit, StatusOf(engine, "k19999"));
    }

    [Fact]
    public void ReservingNothingOrLessThanHeldChangesNothing()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 64L << 20, partitions: 16);
        long initial = engine.GetStats().HashBytes;
        engine.ReserveItems(0);
        engine.ReserveItems(-5);
        engine.ReserveItems(16 * 12); // 12 per partition fit the initial 16 slots at 4/5
        Assert.Equal(initial, engine.GetStats().HashBytes);
    }

    private static GetStatus StatusOf(CacheEngine engine, string key)
    {
        engine.Get(key, default, out GetStatus status);
        return status;
    }
}

using System.Buffers;
using System.Text;

namespace Trove.Storage.Tests;

public sealed class IndexMemoryTests
{
    /// <summary>
    /// The benchmark: a million keys "bench:%07d" with 100-byte values, 1 GiB, 1024 partitions. Partitions
    /// hold about 977 keys each, all within the 731..1095 that a 1369-slot table takes, so the tables are 71% full
    /// on average (before this sizing: 2048 slots each, 16 MiB, about 17 bytes per item).
    /// </summary>
    [Fact]
    public void AMillionBenchmarkItemsCostAboutElevenBytesEachInTheHashIndex()
    {
        const int items = 1_000_000;
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 1L << 30, partitions: 1024);
        var value = new ReadOnlySequence<byte>(new byte[100]);
        var request = new StoreRequest { Mode = StoreMode.Set };
        Span<byte> key = stackalloc byte[13];
        "bench:"u8.CopyTo(key);
        for (int i = 0; i < items; i++)
        {
            Assert.True(i.TryFormat(key[6..], out int written, "D7") && written == 7);
            Assert.Equal(StoreStatus.Stored, engine.Store(key, value, request).Status);
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(items, stats.CurrItems);
        Assert.Equal(1024L * 1369 * 8, stats.HashBytes);
        Assert.InRange(stats.HashBytes / (double)items, 10.0, 11.25);
        Assert.Equal("bench:0999999", Encoding.ASCII.GetString(key));
    }
}

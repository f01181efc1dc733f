using System.Buffers;

namespace Trove.Storage.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void RequestsDoNotAllocateManagedMemoryOnceWarm()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, partitions: 4);
        byte[][] keys = Enumerable.Range(0, 64).Select(i => EngineTestHelpers.Bytes($"key{i}")).ToArray();
        var value = new ReadOnlySequence<byte>(EngineTestHelpers.Bytes("12345"));
        var set = new StoreRequest { Mode = StoreMode.Set };
        var append = new StoreRequest { Mode = StoreMode.Append };
        var incr = new ArithmeticRequest { Increment = true, Delta = 1 };
        RunRound(engine, keys, value, set, append, incr);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytesRead = RunRound(engine, keys, value, set, append, incr);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(keys.Length * 5, bytesRead);
    }

    private static long RunRound(CacheEngine engine, byte[][] keys, ReadOnlySequence<byte> value, StoreRequest set, StoreRequest append, ArithmeticRequest incr)
    {
        var reader = new LengthReader();
        foreach (byte[] key in keys)
        {
            engine.Store(key, value, set);
            engine.Get(key, default, ref reader);
            engine.Arithmetic(key, incr);
            engine.Store(key, value, append);
            engine.Touch(key, 0);
            engine.Delete(key, default);
            engine.Get(key, default, ref reader);
        }

        return reader.Bytes;
    }

    private struct LengthReader : IItemReader
    {
        public long Bytes;

        public void Read(in ItemView item) => Bytes += item.Value.Length;
    }
}

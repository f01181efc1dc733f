using System.Buffers;
using System.Text;

namespace Trove.Storage.Tests;

public sealed class StressTests
{
    [Fact]
    public async Task ConcurrentMixedTrafficUnderMemoryPressureKeepsEveryInvariant()
    {
        var clock = new ManualTimeProvider();
        using CacheEngine engine = EngineTestHelpers.Create(clock, memoryLimit: 6 << 20, partitions: 16);
        int[] sizes = [10, 100, 1000, 20_000];
        Task[] workers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            var capture = new Capture();
            for (int i = 0; i < 25_000; i++)
            {
                string key = $"key{random.Next(3000)}";
                byte[] keyBytes = Encoding.ASCII.GetBytes(key);
                switch (random.Next(10))
                {
                    case 0:
                        engine.Delete(keyBytes, default);
                        break;
                    case 1:
                        engine.Store(keyBytes, new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("+")), new StoreRequest { Mode = StoreMode.Append });
                        break;
                    case 2:
                        engine.Arithmetic(Encoding.ASCII.GetBytes("n" + key), new ArithmeticRequest { Increment = random.Next(2) == 0, Delta = (ulong)random.Next(1000), Vivify = true, InitialValue = 5 });
                        break;
                    case 3:
                        engine.Touch(keyBytes, 0);
                        break;
                    case 4:
                    case 5:
                        capture = default;
                        if (engine.Get(keyBytes, default, ref capture) == GetStatus.Hit)
                        {
                            Assert.StartsWith(key + ":", capture.Text);
                        }

                        break;
                    default:
                        string value = key + ":" + new string('x', sizes[random.Next(sizes.Length)]);
                        engine.Store(keyBytes, new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(value)), new StoreRequest { Mode = StoreMode.Set });
                        break;
                }

                if (t == 0 && i % 2000 == 0)
                {
                    engine.CrawlExpired(500);
                    engine.RebalanceMemory();
                }
            }
        })).ToArray();

        await Task.WhenAll(workers);

        EngineStats stats = engine.GetStats();
        Assert.True(stats.Evictions > 0);
        Assert.True(stats.TotalMalloced <= 6 << 20);
        Invariants.Check(engine);
        for (int k = 0; k < 3000; k++)
        {
            var capture = new Capture();
            if (engine.Get(Encoding.ASCII.GetBytes($"nkey{k}"), new GetRequest { NoBump = true }, ref capture) == GetStatus.Hit)
            {
                Assert.True(ulong.TryParse(capture.Text!.TrimEnd(' '), out _));
            }
        }
    }
}

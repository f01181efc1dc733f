using System.Text;
using static Trove.Storage.Tests.EngineTestHelpers;

namespace Trove.Storage.Tests.DiskValues;

/// <summary>Values on disk under concurrent writers, readers and the background demoter: no wrong value, ever.</summary>
public sealed class DiskValueConcurrencyTests
{
    private const int Writers = 3;
    private const int KeysPerWriter = 700;
    private const int OpsPerWriter = 6000;

    [Fact]
    public async Task ConcurrentSetsAppendsAndReadsWhileValuesMoveKeepEveryAcknowledgedValue()
    {
        var clock = new ManualTimeProvider();
        using var engine = new CacheEngine(new EngineOptions
        {
            MemoryLimitBytes = 4L << 20, PartitionCount = 16, EvictionDisabled = true, ValuesOnDisk = true,
        }, clock);
        var log = new MemoryValueLog();
        engine.ChangeObserver = log;
        engine.ValueLog = log;

        // Each writer owns its keys, so it knows what each must hold; readers check values are one of its forms.
        var expected = new Dictionary<string, string>[Writers];
        using var stop = new CancellationTokenSource();
        Task demoter = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                engine.DemoteCold(500);
                engine.RebalanceMemory();
            }
        });
        Task[] writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            var mine = new Dictionary<string, string>();
            var random = new Random(20261122 + w);
            for (int op = 0; op < OpsPerWriter; op++)
            {
                string key = $"w{w}:k{random.Next(KeysPerWriter)}";
                int kind = random.Next(10);
                if (kind < 5 || !mine.ContainsKey(key))
                {
                    string value = $"{key}:{op}:" + new string((char)('a' + op % 26), 2000 + random.Next(6000));
                    Assert.Equal(StoreStatus.Stored, engine.Set(key, value).Status);
                    mine[key] = value;
                }
                else if (kind < 7)
                {
                    Assert.Equal(StoreStatus.Stored, engine.Store(StoreMode.Append, key, "+").Status);
                    mine[key] += "+";
                }
                else
                {
                    Capture got = engine.Get(key, default, out GetStatus status);
                    Assert.Equal(GetStatus.Hit, status);
                    Assert.Equal(mine[key], got.Text);
                }
            }

            expected[w] = mine;
        })).ToArray();

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(3));
        stop.Cancel();
        await demoter.WaitAsync(TimeSpan.FromMinutes(1));

        DiskValueStats disk = engine.GetDiskValueStats();
        Assert.True(disk.Demotions > 1000, $"{disk.Demotions} demotions");
        Assert.Equal(0, disk.ReadErrors);
        foreach (Dictionary<string, string> mine in expected)
        {
            foreach ((string key, string value) in mine)
            {
                Assert.Equal(value, engine.Get(key).Text);
            }
        }

        Assert.Equal(expected.Sum(e => e.Count), engine.GetStats().CurrItems);
        // Reads promote values back when there is room: count the stubs as they are now.
        long onDisk = engine.GetDiskValueStats().ItemsOnDisk;
        Assert.Equal(onDisk, CountStubs(engine));
    }

    /// <summary>Items whose value the engine reads from the log during an enumeration (reads go up by one each).</summary>
    private static long CountStubs(CacheEngine engine)
    {
        long before = engine.GetDiskValueStats().Reads;
        var sink = new Sink();
        for (int p = 0; p < engine.PartitionCount; p++)
        {
            engine.ForEachInPartition(p, ref sink);
        }

        return engine.GetDiskValueStats().Reads - before;
    }

    private struct Sink : IItemReader
    {
        public void Read(in ItemView item) => _ = Encoding.ASCII.GetString(item.Value);
    }
}

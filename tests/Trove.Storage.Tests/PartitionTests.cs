using System.Text;

namespace Trove.Storage.Tests;

public sealed class PartitionTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public PartitionTests() => _engine = EngineTestHelpers.Create(_clock, partitions: 8);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void CountPartitionCountsTheKeysThatMapToIt()
    {
        var expected = new int[_engine.PartitionCount];
        for (int i = 0; i < 1000; i++)
        {
            string key = $"key{i}";
            _engine.Set(key, "v");
            expected[_engine.PartitionOf(Encoding.ASCII.GetBytes(key))]++;
        }

        for (int p = 0; p < _engine.PartitionCount; p++)
        {
            Assert.Equal(expected[p], _engine.CountPartition(p));
        }
    }

    [Fact]
    public void ForEachInPartitionVisitsExactlyItsLiveItems()
    {
        var expected = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            string key = $"key{i}";
            _engine.Set(key, "value-" + key, exptime: i % 10 == 0 ? 5 : 0);
            if (_engine.PartitionOf(Encoding.ASCII.GetBytes(key)) == 3 && i % 10 != 0)
            {
                expected.Add(key);
            }
        }

        _clock.AdvanceSeconds(6);
        var collector = new Collector(new Dictionary<string, string>());
        _engine.ForEachInPartition(3, ref collector);

        Assert.Equal(expected.Order(), collector.Items.Keys.Order());
        Assert.All(collector.Items, pair => Assert.Equal("value-" + pair.Key, pair.Value));
        Assert.Equal(0, _engine.GetStats().GetHits);
    }

    [Fact]
    public void DropPartitionRemovesOnlyItsItems()
    {
        for (int i = 0; i < 1000; i++)
        {
            _engine.Set($"key{i}", "v");
        }

        long inTwo = _engine.CountPartition(2);

        long dropped = _engine.DropPartition(2);

        Assert.Equal(inTwo, dropped);
        Assert.Equal(0, _engine.CountPartition(2));
        Assert.Equal(1000 - dropped, _engine.GetStats().CurrItems);
        for (int i = 0; i < 1000; i++)
        {
            string key = $"key{i}";
            bool inDropped = _engine.PartitionOf(Encoding.ASCII.GetBytes(key)) == 2;
            Assert.Equal(inDropped, _engine.Peek(key) is null);
        }

        _engine.Set("again", "v");
        Assert.Equal(1001 - dropped, _engine.GetStats().CurrItems);
    }

    [Fact]
    public void PartitionArgumentsOutOfRangeThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.CountPartition(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => _engine.DropPartition(-1));
    }

    [Fact]
    public async Task PartitionsCanBeEnumeratedAndDroppedWhileOtherThreadsWrite()
    {
        const int stable = 2000;
        var stableInThree = new HashSet<string>();
        for (int i = 0; i < stable; i++)
        {
            string key = $"stable{i}";
            _engine.Set(key, key);
            if (_engine.PartitionOf(Encoding.ASCII.GetBytes(key)) == 3)
            {
                stableInThree.Add(key);
            }
        }

        Task[] writers = Enumerable.Range(0, 3).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                string key = $"w{t}-{i % 3000}";
                if (i % 7 == 0)
                {
                    _engine.Delete(key);
                }
                else
                {
                    _engine.Set(key, key);
                }
            }
        })).ToArray();

        var seen = new Collector(new Dictionary<string, string>());
        long dropped = 0;
        for (int round = 0; round < 5; round++)
        {
            _engine.ForEachInPartition(3, ref seen);
            dropped += _engine.DropPartition(5);
        }

        await Task.WhenAll(writers);

        Assert.Superset(stableInThree, seen.Items.Keys.ToHashSet());
        Assert.All(seen.Items, pair => Assert.Equal(pair.Key, pair.Value));
        Assert.True(dropped > 0);
        for (int i = 0; i < stable; i++)
        {
            string key = $"stable{i}";
            bool inDropped = _engine.PartitionOf(Encoding.ASCII.GetBytes(key)) == 5;
            Assert.Equal(inDropped ? null : key, _engine.Peek(key));
        }

        Invariants.Check(_engine);
    }

    private readonly struct Collector : IItemReader
    {
        public Collector(Dictionary<string, string> items) => Items = items;

        public Dictionary<string, string> Items { get; }

        public void Read(in ItemView item) => Items[Encoding.ASCII.GetString(item.Key)] = Encoding.ASCII.GetString(item.Value);
    }
}

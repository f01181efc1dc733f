using System.Text;
using Trove.Storage;

namespace Trove.Server.Tests.Store;

public sealed class CompositeChangeObserverTests
{
    private sealed class Recorder(string name, List<string> seen) : IItemChangeObserver
    {
        public void OnItemChanged(int partition, in ItemView item) => seen.Add($"{name} set {Encoding.ASCII.GetString(item.Key)} {item.Cas}");

        public void OnItemDeleted(int partition, ReadOnlySpan<byte> key) => seen.Add($"{name} delete {Encoding.ASCII.GetString(key)}");
    }

    [Fact]
    public void WithNothingInstalledTheAddedObserverIsUsedAsIs()
    {
        var only = new Recorder("only", []);
        Assert.Same(only, CompositeChangeObserver.Combine(null, only));
    }

    [Fact]
    public void BothObserversSeeEveryChangeInTheOrderTheyWereCombined()
    {
        var seen = new List<string>();
        using var engine = new CacheEngine(new EngineOptions(), TimeProvider.System);
        engine.ChangeObserver = CompositeChangeObserver.Combine(new Recorder("store", seen), new Recorder("routing", seen));
        engine.Store("k"u8, new System.Buffers.ReadOnlySequence<byte>("v"u8.ToArray()), new StoreRequest { Mode = StoreMode.Set, NewCas = 7 });
        engine.Delete("k"u8, default);
        Assert.Equal(["store set k 7", "routing set k 7", "store delete k", "routing delete k"], seen);
    }
}

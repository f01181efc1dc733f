namespace Trove.Storage.Tests;

/// <summary>What the change observer is not told: failed commands, plain reads, and removals the engine makes on its own.</summary>
public sealed class ChangeObserverSilenceTests : IDisposable
{
    private const int Page = 1 << 20;
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingObserver _observer = new();
    private readonly CacheEngine _engine;

    public ChangeObserverSilenceTests()
    {
        _engine = EngineTestHelpers.Create(_clock);
        _engine.ChangeObserver = _observer;
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void AddOfAnExistingKeyIsNotStoredAndReportsNothing()
    {
        _engine.Set("k", "newer");
        _observer.Clear();
        var migration = new StoreRequest { Mode = StoreMode.Add, NewCas = 5 };

        Assert.Equal(new StoreResult(StoreStatus.NotStored, 0), _engine.Store("k", "older"u8.ToArray(), migration));

        Assert.Empty(_observer.Changes);
        Capture item = _engine.Get("k");
        Assert.Equal("newer", item.Text);
        Assert.Equal(1UL, item.Cas);
    }

    [Fact]
    public void FailedStoresReportNothing()
    {
        ulong cas = _engine.Set("k", "a").Cas;
        _observer.Clear();

        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Replace, "missing", "v").Status);
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Append, "missing", "v").Status);
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Prepend, "missing", "v").Status);
        Assert.Equal(StoreStatus.Exists, _engine.Cas("k", "b", cas + 1).Status);
        Assert.Equal(StoreStatus.NotFound, _engine.Cas("missing", "b", cas).Status);
        var staleAppend = new StoreRequest { Mode = StoreMode.Append, HasCompareCas = true, CompareCas = cas + 1 };
        Assert.Equal(StoreStatus.Exists, _engine.Store("k", "b"u8.ToArray(), staleAppend).Status);
        Assert.Equal(StoreStatus.TooLarge, _engine.Store(StoreMode.Add, "big", EngineTestHelpers.Value(2 * Page)).Status);

        Assert.Empty(_observer.Changes);
        Assert.Equal("a", _engine.GetText("k"));
    }

    [Fact]
    public void ARefusedSetReportsTheRemovalOfTheOldValueOnly()
    {
        // memcached unlinks the old value of a refused set. The set failed, so no new item is reported, but the old
        // value is gone, and replicas must drop it too: reported as a delete.
        _engine.Set("k", "a");
        _observer.Clear();

        Assert.Equal(StoreStatus.TooLarge, _engine.Set("k", EngineTestHelpers.Value(2 * Page)).Status);
        _engine.Delete("k", new DeleteRequest { Uncounted = true });

        Change removed = Assert.Single(_observer.Changes);
        Assert.Equal((ChangeKind.Deleted, "k"), (removed.Kind, removed.Key));
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void AStoreThatRunsOutOfMemoryReportsNothing()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: 2 * Page, maxItemSize: 4 * Page);
        var observer = new RecordingObserver();
        engine.ChangeObserver = observer;

        Assert.Equal(StoreStatus.OutOfMemory, engine.Set("huge", EngineTestHelpers.Value(3 * Page)).Status);

        Assert.Empty(observer.Changes);
    }

    [Fact]
    public void FailedArithmeticTouchAndDeleteReportNothing()
    {
        ulong cas = _engine.Set("number", "1").Cas;
        _engine.Set("text", "abc");
        _observer.Clear();

        Assert.Equal(ArithmeticStatus.NotFound, _engine.Incr("missing", 1).Status);
        Assert.Equal(ArithmeticStatus.NonNumeric, _engine.Incr("text", 1).Status);
        var stale = new ArithmeticRequest { Increment = true, Delta = 1, HasCompareCas = true, CompareCas = cas + 10 };
        Assert.Equal(ArithmeticStatus.Exists, _engine.Arithmetic("number"u8, stale).Status);
        Assert.Equal(TouchStatus.NotFound, _engine.Touch("missing", 100));
        Assert.Equal(DeleteStatus.NotFound, _engine.Delete("missing"));
        Assert.Equal(DeleteStatus.Exists, _engine.Delete("number", new DeleteRequest { HasCompareCas = true, CompareCas = cas + 10 }));
        Assert.Equal(DeleteStatus.NotFound, _engine.Delete("missing", new DeleteRequest { Invalidate = true }));
        Assert.Equal(DeleteStatus.NotFound, _engine.Delete("missing", new DeleteRequest { RemoveValueOnly = true }));
        _engine.Get("missing", new GetRequest { Touch = true, NewExpiresAt = _engine.ToExpiry(10) }, out GetStatus status);
        Assert.Equal(GetStatus.Miss, status);

        Assert.Empty(_observer.Changes);
        Assert.Equal("1", _engine.GetText("number"));
    }

    [Fact]
    public void PlainGetsReportNothing()
    {
        _engine.Set("k", "v", exptime: 100);
        _engine.Delete("k", new DeleteRequest { Invalidate = true });
        _observer.Clear();

        _engine.Get("k");
        _engine.Get("k", new GetRequest { NoBump = true });
        _engine.Get("k", new GetRequest { NoLruBump = true, MetaGet = true });
        _engine.Get("k", new GetRequest { HasRecache = true, RecacheThreshold = 1000, MetaGet = true });
        _engine.Get("k", new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(30) }, out GetStatus status);
        _engine.Get("missing");

        Assert.Equal(GetStatus.Hit, status);
        Assert.Empty(_observer.Changes);
    }

    [Fact]
    public void EvictionReportsNoDelete()
    {
        using CacheEngine engine = EngineTestHelpers.Create(_clock, memoryLimit: Page);
        var observer = new RecordingObserver();
        engine.ChangeObserver = observer;
        string value = EngineTestHelpers.Value(100);
        const int stores = 20_000;

        for (int i = 0; i < stores; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set($"key:{i:D6}", value).Status);
        }

        Assert.True(engine.GetStats().Evictions > 0);
        IReadOnlyList<Change> changes = observer.Changes;
        Assert.Equal(stores, changes.Count);
        Assert.All(changes, c => Assert.Equal(ChangeKind.Changed, c.Kind));
    }

    [Fact]
    public void ExpiryFlushAndDropPartitionReportNoDelete()
    {
        _engine.Set("lazy", "v", exptime: 10);
        _engine.Set("crawled", "v", exptime: 10);
        _clock.AdvanceSeconds(20);
        Assert.Null(_engine.GetText("lazy"));
        Assert.True(_engine.CrawlExpired(1000) > 0);
        _engine.Set("flushed", "v");
        _engine.Set("dropped", "v");
        _engine.DropPartition(_engine.PartitionOf("dropped"u8));
        _engine.FlushAll(_engine.Now);
        Assert.Null(_engine.GetText("flushed"));
        _engine.CrawlExpired(1000);

        Assert.Equal(["lazy", "crawled", "flushed", "dropped"], _observer.Changes.Select(c => c.Key));
        Assert.All(_observer.Changes, c => Assert.Equal(ChangeKind.Changed, c.Kind));
    }
}

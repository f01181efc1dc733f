namespace Trove.Storage.Tests;

public sealed class CasTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public CasTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void AdvanceCasRaisesTheNextUniqueAndNeverLowersIt()
    {
        _engine.Set("a", "1"); // CAS 1
        _engine.AdvanceCas(1000);
        Assert.Equal(1001UL, _engine.Set("b", "2").Cas);
        _engine.AdvanceCas(5); // below the counter: no effect
        Assert.Equal(1002UL, _engine.Set("c", "3").Cas);
    }

    [Fact]
    public void CasWithTheCurrentValueStores()
    {
        ulong cas = _engine.Set("k", "a").Cas;

        StoreResult result = _engine.Cas("k", "b", cas);

        Assert.Equal(StoreStatus.Stored, result.Status);
        Assert.Equal(cas + 1, result.Cas);
        Assert.Equal("b", _engine.GetText("k"));
        Assert.Equal(1, _engine.GetStats().CasHits);
    }

    [Fact]
    public void CasWithAStaleValueIsExists()
    {
        ulong cas = _engine.Set("k", "a").Cas;
        _engine.Set("k", "b");

        Assert.Equal(StoreStatus.Exists, _engine.Cas("k", "c", cas).Status);
        Assert.Equal("b", _engine.GetText("k"));
        Assert.Equal(1, _engine.GetStats().CasBadval);
    }

    [Fact]
    public void CasOnAMissingKeyIsNotFound()
    {
        Assert.Equal(StoreStatus.NotFound, _engine.Cas("k", "c", 1).Status);
        Assert.Equal(1, _engine.GetStats().CasMisses);
    }

    [Fact]
    public void CasZeroOnAnExistingItemIsExists()
    {
        _engine.Set("k", "a");

        Assert.Equal(StoreStatus.Exists, _engine.Cas("k", "c", 0).Status);
    }

    [Fact]
    public void MetaSetWithCompareCasUpgradesSetToCas()
    {
        ulong cas = _engine.Set("k", "a").Cas;
        var request = new StoreRequest { Mode = StoreMode.Set, HasCompareCas = true, CompareCas = cas + 10 };

        Assert.Equal(StoreStatus.Exists, _engine.Store("k", "b"u8.ToArray(), request).Status);
        Assert.Equal(StoreStatus.NotFound, _engine.Store("other", "b"u8.ToArray(), request).Status);
    }

    [Fact]
    public void AppendWithAMismatchedCompareCasIsExists()
    {
        ulong cas = _engine.Set("k", "a").Cas;
        var request = new StoreRequest { Mode = StoreMode.Append, HasCompareCas = true, CompareCas = cas + 1 };

        Assert.Equal(StoreStatus.Exists, _engine.Store("k", "b"u8.ToArray(), request).Status);
        request.CompareCas = cas;
        Assert.Equal(StoreStatus.Stored, _engine.Store("k", "b"u8.ToArray(), request).Status);
        Assert.Equal("ab", _engine.GetText("k"));
    }

    [Fact]
    public void ExplicitNewCasIsUsedWithoutTakingACounterValue()
    {
        var request = new StoreRequest { Mode = StoreMode.Set, NewCas = 1000 };

        Assert.Equal(1000UL, _engine.Store("k", "a"u8.ToArray(), request).Cas);
        Assert.Equal(1UL, _engine.Set("j", "b").Cas);
    }

    [Fact]
    public void DeleteWithCompareCasChecksIt()
    {
        ulong cas = _engine.Set("k", "a").Cas;

        Assert.Equal(DeleteStatus.Exists, _engine.Delete("k", new DeleteRequest { HasCompareCas = true, CompareCas = cas + 1 }));
        Assert.Equal(DeleteStatus.Deleted, _engine.Delete("k", new DeleteRequest { HasCompareCas = true, CompareCas = cas }));
    }

    [Fact]
    public void CasNumbersFollowMemcachedAcrossCommands()
    {
        // The same sequence against memcached 1.6.18 gives exactly these CAS values.
        _engine.Set("a", "x");
        Assert.Equal(StoreStatus.Exists, _engine.Cas("a", "y", 99).Status);
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Add, "a", "z").Status);
        Assert.Equal(2UL, _engine.Set("b", "y").Cas);
        Assert.Equal(3UL, _engine.Store(StoreMode.Append, "b", "q").Cas);
        _engine.Delete("b", new DeleteRequest { Invalidate = true });
        Assert.Equal(4UL, _engine.Get("b").Cas);
        Assert.Equal(5UL, _engine.Get("nv", new GetRequest { Vivify = true }).Cas);
        _engine.Touch("b", 10);
        Assert.Equal(4UL, _engine.Get("b").Cas);
        _engine.Incr("nosuch", 1);
        Assert.Equal(6UL, _engine.Set("n", "10").Cas);
        Assert.Equal(7UL, _engine.Decr("n", 1).Cas);
        Assert.Equal("9 ", _engine.GetText("n"));
        _engine.Store(StoreMode.Replace, "zz", "x");
        _engine.Store(StoreMode.Prepend, "zz", "x");
        Assert.Equal(8UL, _engine.Set("zz", "x").Cas);
    }
}

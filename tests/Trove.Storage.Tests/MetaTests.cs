namespace Trove.Storage.Tests;

public sealed class MetaTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public MetaTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void VivifyCreatesAnEmptyItemAndHandsTheWinTokenOnce()
    {
        var request = new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(30), MetaGet = true };

        Capture first = _engine.Get("k", request, out GetStatus firstStatus);
        Capture second = _engine.Get("k", request, out GetStatus secondStatus);

        Assert.Equal(GetStatus.Vivified, firstStatus);
        Assert.Equal("", first.Text);
        Assert.True(first.Win);
        Assert.False(first.WinTokenSent);
        Assert.Equal(30, first.Ttl);
        Assert.Equal(GetStatus.Hit, secondStatus);
        Assert.False(second.Win);
        Assert.True(second.WinTokenSent);
        Assert.Equal(first.Cas, second.Cas);
        // memcached counts a vivified miss as a hit.
        Assert.Equal(2, _engine.GetStats().GetHits);
        Assert.Equal(1, _engine.GetStats().TotalItems);
    }

    [Fact]
    public void ASetAfterVivifyClearsTheToken()
    {
        _engine.Get("k", new GetRequest { Vivify = true, VivifyExpiresAt = 0 });
        _engine.Set("k", "hi");

        Capture got = _engine.Get("k");
        Assert.False(got.Win);
        Assert.False(got.WinTokenSent);
        Assert.Equal("hi", got.Text);
    }

    [Fact]
    public void RecacheWinsWhenTheTtlIsBelowTheThreshold()
    {
        _engine.Set("r", "v", exptime: 100);

        Assert.False(_engine.Get("r", new GetRequest { HasRecache = true, RecacheThreshold = 30 }).Win);
        Capture won = _engine.Get("r", new GetRequest { HasRecache = true, RecacheThreshold = 200 });
        Capture after = _engine.Get("r", new GetRequest { HasRecache = true, RecacheThreshold = 200 });

        Assert.True(won.Win);
        Assert.False(after.Win);
        Assert.True(after.WinTokenSent);
    }

    [Fact]
    public void RecacheNeverWinsOnItemsWithoutExpiry()
    {
        _engine.Set("r", "v");

        Assert.False(_engine.Get("r", new GetRequest { HasRecache = true, RecacheThreshold = 200 }).Win);
    }

    [Fact]
    public void InvalidateMarksStaleBumpsCasAndLetsOneClientWin()
    {
        ulong cas = _engine.Set("k", "v").Cas;

        DeleteStatus status = _engine.Delete("k", new DeleteRequest { Invalidate = true, Touch = true, NewExpiresAt = _engine.ToExpiry(30) });
        Capture first = _engine.Get("k");
        Capture second = _engine.Get("k");

        Assert.Equal(DeleteStatus.Deleted, status);
        Assert.Equal(cas + 1, first.Cas);
        Assert.True(first.Stale);
        Assert.True(first.Win);
        Assert.Equal(30, first.Ttl);
        Assert.True(second.Stale);
        Assert.False(second.Win);
        Assert.True(second.WinTokenSent);
        Assert.Equal(0, _engine.GetStats().DeleteHits);
    }

    [Fact]
    public void StaleSetWithAnOlderCasStoresKeepingTtlAndTokenState()
    {
        _engine.Set("k", "v", exptime: 30);
        _engine.Delete("k", new DeleteRequest { Invalidate = true });
        _engine.Get("k");
        var request = new StoreRequest { Mode = StoreMode.Set, HasCompareCas = true, CompareCas = 1, Invalidate = true, ExpiresAt = 0 };

        StoreResult stored = _engine.Store("k", "new"u8.ToArray(), request);
        Capture got = _engine.Get("k");

        Assert.Equal(StoreStatus.Stored, stored.Status);
        Assert.Equal("new", got.Text);
        Assert.True(got.Stale);
        Assert.True(got.WinTokenSent);
        Assert.Equal(30, got.Ttl);
        Assert.Equal(1, _engine.GetStats().CasHits);
    }

    [Fact]
    public void InvalidateWithANewerCasIsStillExists()
    {
        ulong cas = _engine.Set("k", "v").Cas;
        var request = new StoreRequest { Mode = StoreMode.Set, HasCompareCas = true, CompareCas = cas + 5, Invalidate = true };

        Assert.Equal(StoreStatus.Exists, _engine.Store("k", "new"u8.ToArray(), request).Status);
    }

    [Fact]
    public void RemoveValueOnlyKeepsTheItemWithoutValueOrFlags()
    {
        ulong cas = _engine.Set("k", "value", flags: 9, exptime: 40).Cas;

        Assert.Equal(DeleteStatus.Deleted, _engine.Delete("k", new DeleteRequest { RemoveValueOnly = true }));

        Capture got = _engine.Get("k");
        Assert.Equal("", got.Text);
        Assert.Equal(0u, got.Flags);
        Assert.Equal(40, got.Ttl);
        Assert.True(got.Cas > cas);
    }

    [Fact]
    public void FetchedAndLastAccessShowTheStateBeforeThisRead()
    {
        _engine.Set("k", "v");
        _clock.AdvanceSeconds(3);

        Capture first = _engine.Get("k");
        _clock.AdvanceSeconds(2);
        Capture second = _engine.Get("k");
        _clock.AdvanceSeconds(2);
        Capture third = _engine.Get("k");

        // memcached: the first read marks fetched, the second makes the item active and refreshes its time.
        Assert.False(first.FetchedBefore);
        Assert.Equal(3u, first.SecondsSinceLastAccess);
        Assert.True(second.FetchedBefore);
        Assert.Equal(5u, second.SecondsSinceLastAccess);
        Assert.Equal(2u, third.SecondsSinceLastAccess);
    }

    [Fact]
    public void ACrawlerPassLetsTheNextReadRefreshTheAccessTime()
    {
        _engine.Set("k", "v");
        _engine.Get("k");
        _engine.Get("k");
        _clock.AdvanceSeconds(100);
        Assert.Equal(100u, _engine.Get("k").SecondsSinceLastAccess);

        while (_engine.GetStats().CrawlerPasses == 0)
        {
            _engine.CrawlExpired(1000);
        }

        _engine.Get("k");
        _clock.AdvanceSeconds(1);
        Assert.Equal(1u, _engine.Get("k").SecondsSinceLastAccess);
    }

    [Fact]
    public void NoLruBumpLeavesTheItemUnfetchedButCountsTheHit()
    {
        _engine.Set("k", "v");

        _engine.Get("k", new GetRequest { NoLruBump = true });
        Capture after = _engine.Get("k");

        Assert.False(after.FetchedBefore);
        Assert.Equal(2, _engine.GetStats().GetHits);
    }

    [Fact]
    public void NoBumpReadsCountNothing()
    {
        _engine.Set("k", "v");

        Assert.Equal("v", _engine.Peek("k"));
        Assert.Null(_engine.Peek("missing"));

        EngineStats stats = _engine.GetStats();
        Assert.Equal(0, stats.GetHits);
        Assert.Equal(0, stats.GetMisses);
        Assert.False(_engine.Get("k").FetchedBefore);
    }

    [Fact]
    public void MetaGetWithTouchCountsAMissAsAGetMiss()
    {
        _engine.Get("missing", new GetRequest { Touch = true, NewExpiresAt = 10, MetaGet = true });

        EngineStats stats = _engine.GetStats();
        Assert.Equal(1, stats.GetMisses);
        Assert.Equal(0, stats.TouchMisses);
    }

    [Fact]
    public void AppendWithVivifyOnMissCreatesTheItem()
    {
        var request = new StoreRequest { Mode = StoreMode.Append, VivifyOnMiss = true, VivifyExpiresAt = _engine.ToExpiry(60) };

        Assert.Equal(StoreStatus.Stored, _engine.Store("k", "a"u8.ToArray(), request).Status);
        Assert.Equal(StoreStatus.Stored, _engine.Store("k", "b"u8.ToArray(), request).Status);

        Capture got = _engine.Get("k");
        Assert.Equal("ab", got.Text);
        Assert.Equal(60, got.Ttl);
    }
}

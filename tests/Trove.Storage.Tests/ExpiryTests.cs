namespace Trove.Storage.Tests;

public sealed class ExpiryTests : IDisposable
{
    private const long ThirtyDays = 60 * 60 * 24 * 30;
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public ExpiryTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void EngineTimeStartsLikeMemcachedsCurrentTimeAndCountsWholeSeconds()
    {
        Assert.Equal(CacheEngine.StartTime, _engine.Now);
        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(CacheEngine.StartTime + 1, _engine.Now);
    }

    [Fact]
    public void ZeroMeansNeverExpires()
    {
        Assert.Equal(0u, _engine.ToExpiry(0));
    }

    [Fact]
    public void UpToThirtyDaysIsRelative()
    {
        Assert.Equal(_engine.Now + 10, _engine.ToExpiry(10));
        Assert.Equal(_engine.Now + (uint)ThirtyDays, _engine.ToExpiry(ThirtyDays));
    }

    [Fact]
    public void MoreThanThirtyDaysIsAbsoluteUnixTime()
    {
        long unixIn100 = _clock.UnixSeconds + 100;

        Assert.Equal(_engine.Now + 100, _engine.ToExpiry(unixIn100));
    }

    [Fact]
    public void AbsoluteTimeInThePastIsAlreadyExpired()
    {
        _engine.Set("k", "v", exptime: ThirtyDays + 1);

        Assert.Equal(1u, _engine.ToExpiry(ThirtyDays + 1));
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void NegativeExptimeIsAlreadyExpired()
    {
        _engine.Set("k", "v", exptime: -1);

        Assert.Equal(1u, _engine.ToExpiry(-1));
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void AnItemExpiresWhenEngineTimeReachesItsExptime()
    {
        _engine.Set("k", "v", exptime: 10);

        _clock.AdvanceSeconds(9);
        Assert.Equal("v", _engine.GetText("k"));
        Assert.Equal(1, _engine.Get("k").Ttl);

        _clock.AdvanceSeconds(1);
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void LazyExpiryUnlinksTheItemAndCountsGetExpired()
    {
        _engine.Set("k", "v", exptime: 5);
        _clock.AdvanceSeconds(5);

        Assert.Null(_engine.GetText("k"));

        EngineStats stats = _engine.GetStats();
        Assert.Equal(1, stats.GetExpired);
        Assert.Equal(1, stats.GetMisses);
        Assert.Equal(0, stats.CurrItems);
    }

    [Fact]
    public void CrawlerReclaimsExpiredItemsAndCountsThem()
    {
        for (int i = 0; i < 100; i++)
        {
            _engine.Set($"short{i}", "v", exptime: 5);
            _engine.Set($"long{i}", "v", exptime: 500);
        }

        _engine.Get("short0");
        _clock.AdvanceSeconds(10);

        int reclaimed = 0;
        for (int call = 0; call < 100 && _engine.GetStats().CrawlerPasses == 0; call++)
        {
            reclaimed += _engine.CrawlExpired(50);
        }

        EngineStats stats = _engine.GetStats();
        Assert.Equal(100, reclaimed);
        Assert.Equal(100, stats.CrawlerReclaimed);
        Assert.Equal(200, stats.CrawlerItemsChecked);
        Assert.Equal(99, stats.ExpiredUnfetched);
        Assert.Equal(100, stats.CurrItems);
        Assert.Equal(0, stats.GetExpired);
        Assert.Equal("v", _engine.GetText("long7"));
    }

    [Fact]
    public void CrawlerStopsAfterItsBudget()
    {
        for (int i = 0; i < 200; i++)
        {
            _engine.Set($"k{i}", "v", exptime: 1);
        }

        _clock.AdvanceSeconds(2);

        int reclaimed = _engine.CrawlExpired(10);

        Assert.InRange(reclaimed, 1, 10);
        Assert.Equal(200 - reclaimed, _engine.GetStats().CurrItems);
    }

    [Fact]
    public void TouchChangesTheExpiryButNotTheCas()
    {
        ulong cas = _engine.Set("k", "v", exptime: 5).Cas;

        Assert.Equal(TouchStatus.Touched, _engine.Touch("k", 100));
        _clock.AdvanceSeconds(50);

        Capture got = _engine.Get("k");
        Assert.Equal("v", got.Text);
        Assert.Equal(50, got.Ttl);
        Assert.Equal(cas, got.Cas);
        Assert.Equal(TouchStatus.NotFound, _engine.Touch("missing", 100));
        Assert.Equal(1, _engine.GetStats().TouchHits);
        Assert.Equal(1, _engine.GetStats().TouchMisses);
    }

    [Fact]
    public void GetAndTouchCountsTouchHitsAndMissesNotGets()
    {
        _engine.Set("k", "v");
        var gat = new GetRequest { Touch = true, NewExpiresAt = _engine.ToExpiry(30) };

        Capture got = _engine.Get("k", gat);
        _engine.Get("missing", gat);

        Assert.Equal(30, got.Ttl);
        Assert.Equal(-1, got.TtlBeforeTouch);
        EngineStats stats = _engine.GetStats();
        Assert.Equal(1, stats.TouchHits);
        Assert.Equal(1, stats.TouchMisses);
        Assert.Equal(0, stats.GetHits);
        Assert.Equal(0, stats.GetMisses);
    }

    [Fact]
    public void FlushAllInvalidatesEveryItemStoredBeforeIt()
    {
        _engine.Set("a", "1");
        _engine.Set("b", "2");

        _engine.FlushAll(_engine.Now);
        _engine.Set("c", "3");

        Assert.Null(_engine.GetText("a"));
        Assert.Null(_engine.GetText("b"));
        Assert.Equal("3", _engine.GetText("c"));
        Assert.Equal(2, _engine.GetStats().GetFlushed);
    }

    [Fact]
    public void FlushAllConsumesACasLikeMemcached()
    {
        _engine.Set("a", "x");
        _engine.FlushAll(_engine.Now);

        Assert.Equal(3UL, _engine.Set("b", "y").Cas);
    }

    [Fact]
    public void DelayedFlushTakesEffectWhenItsTimeComes()
    {
        _engine.Set("a", "1");
        _engine.FlushAll(_engine.ToExpiry(10));

        _clock.AdvanceSeconds(8);
        Assert.Equal("1", _engine.Peek("a"));

        _clock.AdvanceSeconds(1);
        _engine.Set("b", "2");
        Assert.Null(_engine.GetText("a"));
        Assert.Null(_engine.GetText("b"));

        _clock.AdvanceSeconds(1);
        _engine.Set("c", "3");
        Assert.Equal("3", _engine.GetText("c"));
    }

    [Fact]
    public void CrawlerReclaimsFlushedItems()
    {
        _engine.Set("a", "1");
        _engine.Set("b", "2");
        _engine.FlushAll(_engine.Now);

        int reclaimed = 0;
        for (int call = 0; call < 20 && _engine.GetStats().CrawlerPasses == 0; call++)
        {
            reclaimed += _engine.CrawlExpired(100);
        }

        Assert.Equal(2, reclaimed);
        Assert.Equal(0, _engine.GetStats().CurrItems);
    }
}

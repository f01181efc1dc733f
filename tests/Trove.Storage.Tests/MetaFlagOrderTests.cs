namespace Trove.Storage.Tests;

/// <summary>
/// What the engine exposes so that meta commands can apply N, T, R and t in request order (memcached 1.6.18):
/// the TTL before a touch, R compared before or after it, and which requests created the item.
/// </summary>
public sealed class MetaFlagOrderTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public MetaFlagOrderTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void OnlyTheGetThatCreatesAnItemSeesItAsVivified()
    {
        var request = new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(30), MetaGet = true };

        Capture created = _engine.Get("k", request, out GetStatus createdStatus);
        Capture again = _engine.Get("k", request, out GetStatus againStatus);
        Capture plain = _engine.Get("k");

        Assert.Equal(GetStatus.Vivified, createdStatus);
        Assert.True(created.Vivified);
        Assert.Equal(GetStatus.Hit, againStatus);
        Assert.False(again.Vivified);
        Assert.False(plain.Vivified);
    }

    [Fact]
    public void AGetOfAStoredItemIsNeverVivified()
    {
        _engine.Set("k", "v");

        Capture got = _engine.Get("k", new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(30) }, out GetStatus status);

        Assert.Equal(GetStatus.Hit, status);
        Assert.False(got.Vivified);
        Assert.Equal("v", got.Text);
    }

    [Fact]
    public void TouchDoesNotApplyToTheItemAGetVivifies()
    {
        var request = new GetRequest
        {
            Vivify = true,
            VivifyExpiresAt = _engine.ToExpiry(30),
            Touch = true,
            NewExpiresAt = _engine.ToExpiry(90),
            MetaGet = true,
        };

        Capture created = _engine.Get("k", request);

        // The caller passes whichever of N and T comes last as VivifyExpiresAt; T's own value is ignored.
        Assert.Equal(30, created.Ttl);
        Assert.Equal(30, created.TtlBeforeTouch);
        Assert.Equal(30, _engine.Get("k").Ttl);
    }

    [Fact]
    public void TouchStillAppliesToAnExistingItemWhenVivifyIsAsked()
    {
        _engine.Set("k", "v", exptime: 30);
        var request = new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(10), Touch = true, NewExpiresAt = _engine.ToExpiry(90) };

        Capture got = _engine.Get("k", request);

        Assert.Equal(30, got.TtlBeforeTouch);
        Assert.Equal(90, got.Ttl);
        Assert.Equal(90, _engine.Get("k").Ttl);
    }

    [Fact]
    public void AGetShowsTheTtlBeforeAndAfterItsTouch()
    {
        _engine.Set("k", "v");
        _engine.Set("e", "v", exptime: 40);

        Capture neverToThirty = _engine.Get("k", new GetRequest { Touch = true, NewExpiresAt = _engine.ToExpiry(30) });
        Capture fortyToNever = _engine.Get("e", new GetRequest { Touch = true, NewExpiresAt = 0 });

        Assert.Equal(-1, neverToThirty.TtlBeforeTouch);
        Assert.Equal(30, neverToThirty.Ttl);
        Assert.Equal(40, fortyToNever.TtlBeforeTouch);
        Assert.Equal(-1, fortyToNever.Ttl);
    }

    [Theory]
    // TTL 10, T20, R15: before the touch 10 < 15 wins; after it 20 >= 15 does not.
    [InlineData(10, 20, 15, true, true)]
    [InlineData(10, 20, 15, false, false)]
    // TTL 10, T5, R8: before the touch 10 >= 8 does not win; after it 5 < 8 does.
    [InlineData(10, 5, 8, true, false)]
    [InlineData(10, 5, 8, false, true)]
    public void RecacheComparesTheExpiryBeforeOrAfterTheTouchAsAsked(int ttl, int touchTo, uint threshold, bool beforeTouch, bool wins)
    {
        _engine.Set("k", "v", exptime: ttl);
        var request = new GetRequest
        {
            Touch = true,
            NewExpiresAt = _engine.ToExpiry(touchTo),
            HasRecache = true,
            RecacheThreshold = threshold,
            RecacheBeforeTouch = beforeTouch,
        };

        Capture got = _engine.Get("k", request);

        Assert.Equal(wins, got.Win);
        Assert.Equal(touchTo, got.Ttl);
    }

    [Fact]
    public void RecacheBeforeATouchOfAnItemWithoutExpiryNeverWins()
    {
        _engine.Set("k", "v");
        var request = new GetRequest { Touch = true, NewExpiresAt = _engine.ToExpiry(5), HasRecache = true, RecacheThreshold = 30, RecacheBeforeTouch = true };

        Assert.False(_engine.Get("k", request).Win);
        Assert.True(_engine.Get("k", new GetRequest { HasRecache = true, RecacheThreshold = 30 }).Win);
    }

    [Fact]
    public void ArithmeticWithVivifyOnAMissReportsVivifiedAndIgnoresTheTouch()
    {
        var request = new ArithmeticRequest
        {
            Increment = true,
            Delta = 1,
            Vivify = true,
            InitialValue = 5,
            VivifyExpiresAt = _engine.ToExpiry(100),
            Touch = true,
            NewExpiresAt = _engine.ToExpiry(50),
        };

        ArithmeticResult created = _engine.Arithmetic("n"u8, request);
        ArithmeticResult next = _engine.Arithmetic("n"u8, request);

        Assert.Equal(ArithmeticStatus.Vivified, created.Status);
        Assert.Equal(5UL, created.Value);
        Assert.Equal(100, created.TtlRemaining);
        Assert.Equal(100, created.TtlRemainingBeforeTouch);
        Assert.Equal(ArithmeticStatus.Ok, next.Status);
        Assert.Equal(6UL, next.Value);
        Assert.Equal(100, next.TtlRemainingBeforeTouch);
        Assert.Equal(50, next.TtlRemaining);
        Assert.Equal(1, _engine.GetStats().TotalItems);
    }

    [Fact]
    public void ArithmeticWithoutVivifyOnAMissIsNotFound()
    {
        var request = new ArithmeticRequest { Increment = true, Delta = 1, InitialValue = 5, VivifyExpiresAt = _engine.ToExpiry(100) };

        Assert.Equal(ArithmeticStatus.NotFound, _engine.Arithmetic("n"u8, request).Status);
        Assert.Null(_engine.Peek("n"));
    }

    [Theory]
    // In place ("5" + 1) and through a new, longer item ("9" + 1 = "10"): the touch is measured the same way.
    [InlineData("5", 6UL)]
    [InlineData("9", 10UL)]
    public void ArithmeticShowsTheTtlBeforeAndAfterItsTouch(string stored, ulong expected)
    {
        _engine.Set("n", stored, exptime: 100);
        _clock.AdvanceSeconds(10);
        var request = new ArithmeticRequest { Increment = true, Delta = 1, Touch = true, NewExpiresAt = _engine.ToExpiry(200) };

        ArithmeticResult result = _engine.Arithmetic("n"u8, request);

        Assert.Equal(ArithmeticStatus.Ok, result.Status);
        Assert.Equal(expected, result.Value);
        Assert.Equal(90, result.TtlRemainingBeforeTouch);
        Assert.Equal(200, result.TtlRemaining);
        Assert.Equal(200, _engine.Get("n").Ttl);
    }

    [Fact]
    public void ArithmeticWithoutTouchReportsTheSameTtlTwice()
    {
        _engine.Set("n", "1");

        ArithmeticResult result = _engine.Incr("n", 1);

        Assert.Equal(-1, result.TtlRemainingBeforeTouch);
        Assert.Equal(-1, result.TtlRemaining);
    }
}

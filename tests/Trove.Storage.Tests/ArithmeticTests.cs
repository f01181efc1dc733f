namespace Trove.Storage.Tests;

public sealed class ArithmeticTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public ArithmeticTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void IncrAddsAndReturnsTheNewValue()
    {
        _engine.Set("n", "10");

        ArithmeticResult result = _engine.Incr("n", 5);

        Assert.Equal(ArithmeticStatus.Ok, result.Status);
        Assert.Equal(15UL, result.Value);
        Assert.Equal("15", _engine.GetText("n"));
    }

    [Fact]
    public void IncrWrapsAtTwoToTheSixtyFour()
    {
        _engine.Set("n", "18446744073709551615");

        Assert.Equal(1UL, _engine.Incr("n", 2).Value);
        Assert.Equal("1                   ", _engine.GetText("n"));
    }

    [Fact]
    public void DecrStopsAtZero()
    {
        _engine.Set("n", "5");

        Assert.Equal(0UL, _engine.Decr("n", 10).Value);
        Assert.Equal("0", _engine.GetText("n"));
    }

    [Fact]
    public void AShorterResultIsWrittenInPlacePaddedWithSpaces()
    {
        _engine.Set("n", "100");

        Assert.Equal(99UL, _engine.Decr("n", 1).Value);
        Assert.Equal("99 ", _engine.GetText("n"));
    }

    [Fact]
    public void ALongerResultMakesANewItemWithTheSameFlagsAndExptime()
    {
        _engine.Set("n", "99", flags: 5, exptime: 100);

        Assert.Equal(100UL, _engine.Incr("n", 1).Value);

        Capture got = _engine.Get("n");
        Assert.Equal("100", got.Text);
        Assert.Equal(5u, got.Flags);
        Assert.Equal(100, got.Ttl);
    }

    [Fact]
    public void EveryChangeTakesANewCasLikeMemcached()
    {
        _engine.Set("a", "x");
        _engine.Set("c", "100");

        ArithmeticResult inPlace = _engine.Decr("c", 1);
        ArithmeticResult grown = _engine.Incr("c", 1000);

        // memcached 1.6.18: set a (1), set c (2), decr in place (3), incr to a longer value (4).
        Assert.Equal(3UL, inPlace.Cas);
        Assert.Equal(4UL, grown.Cas);
        Assert.Equal(4UL, _engine.Get("c").Cas);
    }

    [Theory]
    [InlineData("  12", 13UL, "13  ")]
    [InlineData("12 b", 13UL, "13  ")]
    [InlineData("-0", 1UL, "1 ")]
    [InlineData("+5", 6UL, "6 ")]
    [InlineData("000000000000000000000000001", 2UL, "2                          ")]
    [InlineData("1\t2", 2UL, "2  ")]
    [InlineData("1\02", 2UL, "2  ")]
    [InlineData(" 1 ", 2UL, "2  ")]
    [InlineData("-18446744073709551615", 2UL, "2                    ")]
    public void StoredTextIsParsedLikeSafeStrtoull(string stored, ulong expected, string after)
    {
        _engine.Set("n", stored);

        ArithmeticResult result = _engine.Incr("n", 1);

        Assert.Equal(ArithmeticStatus.Ok, result.Status);
        Assert.Equal(expected, result.Value);
        Assert.Equal(after, _engine.GetText("n"));
    }

    [Theory]
    [InlineData("12ab")]
    [InlineData("-1")]
    [InlineData("18446744073709551616")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("+")]
    public void NonNumericValuesAreRefused(string stored)
    {
        _engine.Set("n", stored);

        Assert.Equal(ArithmeticStatus.NonNumeric, _engine.Incr("n", 1).Status);
        Assert.Equal(stored, _engine.GetText("n"));
    }

    [Fact]
    public void MissingKeysAreNotFoundAndCounted()
    {
        Assert.Equal(ArithmeticStatus.NotFound, _engine.Incr("n", 1).Status);
        Assert.Equal(ArithmeticStatus.NotFound, _engine.Decr("n", 1).Status);

        EngineStats stats = _engine.GetStats();
        Assert.Equal(1, stats.IncrMisses);
        Assert.Equal(1, stats.DecrMisses);
    }

    [Fact]
    public void HitsAreCounted()
    {
        _engine.Set("n", "1");
        _engine.Incr("n", 1);
        _engine.Incr("n", 1);
        _engine.Decr("n", 1);

        EngineStats stats = _engine.GetStats();
        Assert.Equal(2, stats.IncrHits);
        Assert.Equal(1, stats.DecrHits);
    }

    [Fact]
    public void MetaArithmeticVivifiesWithTheInitialValue()
    {
        var request = new ArithmeticRequest { Increment = true, Delta = 1, Vivify = true, InitialValue = 13, VivifyExpiresAt = 0 };

        ArithmeticResult created = _engine.Arithmetic("n"u8, request);
        ArithmeticResult incremented = _engine.Arithmetic("n"u8, request);

        Assert.Equal(13UL, created.Value);
        Assert.Equal(-1, created.TtlRemaining);
        Assert.Equal(14UL, incremented.Value);
        Assert.Equal("14", _engine.GetText("n"));
    }

    [Fact]
    public void MetaArithmeticChecksCompareCasAndSetsTtl()
    {
        ulong cas = _engine.Set("n", "5").Cas;

        var mismatch = new ArithmeticRequest { Increment = true, Delta = 1, HasCompareCas = true, CompareCas = cas + 1 };
        var match = new ArithmeticRequest { Increment = true, Delta = 1, HasCompareCas = true, CompareCas = cas, Touch = true, NewExpiresAt = _engine.ToExpiry(100) };

        Assert.Equal(ArithmeticStatus.Exists, _engine.Arithmetic("n"u8, mismatch).Status);
        ArithmeticResult result = _engine.Arithmetic("n"u8, match);
        Assert.Equal(6UL, result.Value);
        Assert.Equal(100, result.TtlRemaining);
    }

    [Fact]
    public void ArithmeticOnAnExpiredItemIsNotFound()
    {
        _engine.Set("n", "5", exptime: 2);
        _clock.AdvanceSeconds(2);

        Assert.Equal(ArithmeticStatus.NotFound, _engine.Incr("n", 1).Status);
    }
}

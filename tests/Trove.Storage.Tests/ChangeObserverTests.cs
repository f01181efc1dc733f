namespace Trove.Storage.Tests;

/// <summary>Every kind of successful change reports the item exactly as it is after the change.</summary>
public sealed class ChangeObserverTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingObserver _observer = new();
    private readonly CacheEngine _engine;

    public ChangeObserverTests()
    {
        _engine = EngineTestHelpers.Create(_clock);
        _engine.ChangeObserver = _observer;
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void SetReportsTheStoredItem()
    {
        StoreResult result = _engine.Set("k", "hello", flags: 7, exptime: 100);

        Assert.Equal(1UL, result.Cas);
        Assert.Equal(Changed("k", "hello", 7, 1, 100), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void EachKeyIsReportedInItsOwnPartition()
    {
        for (int i = 0; i < 32; i++)
        {
            _engine.Set($"key{i}", "v");
        }

        IReadOnlyList<Change> changes = _observer.Changes;
        Assert.Equal(32, changes.Count);
        Assert.All(changes, c => Assert.Equal(_engine.PartitionOf(EngineTestHelpers.Bytes(c.Key)), c.Partition));
        Assert.True(changes.Select(c => c.Partition).Distinct().Count() > 1);
    }

    [Fact]
    public void AddOfANewKeyReportsTheItem()
    {
        _engine.Store(StoreMode.Add, "k", "v", flags: 3);

        Assert.Equal(Changed("k", "v", 3, 1, -1), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void ReplaceReportsTheNewValueFlagsAndTtl()
    {
        _engine.Set("k", "a", flags: 1);
        _observer.Clear();

        _engine.Store(StoreMode.Replace, "k", "b", flags: 2, exptime: 50);

        Assert.Equal(Changed("k", "b", 2, 2, 50), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void CasReportsTheNewCas()
    {
        ulong cas = _engine.Set("k", "a").Cas;
        _observer.Clear();

        Assert.Equal(StoreStatus.Stored, _engine.Cas("k", "b", cas).Status);

        Assert.Equal(Changed("k", "b", 0, 2, -1), Assert.Single(_observer.Changes));
    }

    [Theory]
    [InlineData(StoreMode.Append, "abcd")]
    [InlineData(StoreMode.Prepend, "cdab")]
    public void AppendAndPrependReportTheCombinedValueWithTheOldFlagsAndTtl(StoreMode mode, string expected)
    {
        _engine.Set("k", "ab", flags: 5, exptime: 100);
        _clock.AdvanceSeconds(10);
        _observer.Clear();

        Assert.Equal(StoreStatus.Stored, _engine.Store(mode, "k", "cd", flags: 99, exptime: 7).Status);

        Assert.Equal(Changed("k", expected, 5, 2, 90), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void AppendThatVivifiesAMissReportsOnce()
    {
        var request = new StoreRequest { Mode = StoreMode.Append, Flags = 4, VivifyOnMiss = true, VivifyExpiresAt = _engine.ToExpiry(30) };

        Assert.Equal(StoreStatus.Stored, _engine.Store("k", "cd"u8.ToArray(), request).Status);

        Assert.Equal(Changed("k", "cd", 4, 1, 30), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void StoreWithNewCasSetsAndReportsExactlyThatCas()
    {
        _engine.Set("other", "v");
        var request = new StoreRequest { Mode = StoreMode.Set, Flags = 9, NewCas = 1000 };

        StoreResult result = _engine.Store("k", "v"u8.ToArray(), request);

        Assert.Equal(new StoreResult(StoreStatus.Stored, 1000), result);
        Assert.Equal(Changed("k", "v", 9, 1000, -1), _observer.Changes[^1]);
        Assert.Equal(1000UL, _engine.Get("k").Cas);
        Assert.Equal(2UL, _engine.Set("next", "v").Cas);
    }

    [Fact]
    public void InvalidatingStoreWithAnOlderCasReportsAStaleItem()
    {
        ulong first = _engine.Set("k", "a", exptime: 100).Cas;
        _engine.Set("k", "b", exptime: 100);
        _observer.Clear();
        var request = new StoreRequest { Mode = StoreMode.Set, HasCompareCas = true, CompareCas = first, Invalidate = true };

        Assert.Equal(StoreStatus.Stored, _engine.Store("k", "c"u8.ToArray(), request).Status);

        Assert.Equal(Changed("k", "c", 0, 3, 100) with { Stale = true }, Assert.Single(_observer.Changes));
    }

    [Fact]
    public void StoreWithABinaryKeyReportsIt()
    {
        _engine.Store("k", "v"u8.ToArray(), new StoreRequest { Mode = StoreMode.Set, BinaryKey = true });

        Assert.Equal(Changed("k", "v", 0, 1, -1) with { BinaryKey = true }, Assert.Single(_observer.Changes));
    }

    [Fact]
    public void DecrInPlaceReportsThePaddedValueAndNewCas()
    {
        _engine.Set("k", "10", flags: 6, exptime: 100);
        _observer.Clear();

        Assert.Equal(ArithmeticStatus.Ok, _engine.Decr("k", 1).Status);

        Assert.Equal(Changed("k", "9 ", 6, 2, 100), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void IncrThatGrowsTheNumberReportsTheRelinkedItem()
    {
        _engine.Set("k", "99", flags: 4, exptime: 100);
        _observer.Clear();

        Assert.Equal(ArithmeticStatus.Ok, _engine.Incr("k", 1).Status);

        Assert.Equal(Changed("k", "100", 4, 2, 100), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void ArithmeticWithTouchReportsTheTouchedTtlAndGivenCas()
    {
        _engine.Set("k", "1", exptime: 100);
        _observer.Clear();
        var request = new ArithmeticRequest { Increment = true, Delta = 5, Touch = true, NewExpiresAt = _engine.ToExpiry(20), NewCas = 500 };

        Assert.Equal(ArithmeticStatus.Ok, _engine.Arithmetic("k"u8, request).Status);

        Assert.Equal(Changed("k", "6", 0, 500, 20), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void ArithmeticThatVivifiesReportsTheCreatedItem()
    {
        var request = new ArithmeticRequest { Increment = true, Delta = 1, Vivify = true, InitialValue = 42, VivifyExpiresAt = _engine.ToExpiry(60) };

        Assert.Equal(ArithmeticStatus.Vivified, _engine.Arithmetic("k"u8, request).Status);

        Assert.Equal(Changed("k", "42", 0, 1, 60), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void TouchReportsTheNewTtlAndKeepsTheCas()
    {
        _engine.Set("k", "v", flags: 3, exptime: 100);
        _clock.AdvanceSeconds(10);
        _observer.Clear();

        Assert.Equal(TouchStatus.Touched, _engine.Touch("k", 500));

        Assert.Equal(Changed("k", "v", 3, 1, 500), Assert.Single(_observer.Changes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetAndTouchReportsTheNewTtl(bool metaGet)
    {
        _engine.Set("k", "v", flags: 3, exptime: 100);
        _observer.Clear();

        _engine.Get("k", new GetRequest { Touch = true, NewExpiresAt = _engine.ToExpiry(300), MetaGet = metaGet }, out GetStatus status);

        Assert.Equal(GetStatus.Hit, status);
        Assert.Equal(Changed("k", "v", 3, 1, 300), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void GetThatVivifiesReportsTheEmptyItem()
    {
        _engine.Get("k", new GetRequest { Vivify = true, VivifyExpiresAt = _engine.ToExpiry(30) }, out GetStatus status);

        Assert.Equal(GetStatus.Vivified, status);
        Assert.Equal(Changed("k", "", 0, 1, 30), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void DeleteReportsTheKey()
    {
        _engine.Set("k", "v");
        _observer.Clear();

        Assert.Equal(DeleteStatus.Deleted, _engine.Delete("k"));

        Assert.Equal(new Change(ChangeKind.Deleted, Partition("k"), "k", null, 0, 0, 0, false, false), Assert.Single(_observer.Changes));
    }

    [Fact]
    public void MetaInvalidateReportsAStaleItemWithANewCasAndTtl()
    {
        _engine.Set("k", "v", flags: 2, exptime: 100);
        _observer.Clear();

        _engine.Delete("k", new DeleteRequest { Invalidate = true, Touch = true, NewExpiresAt = _engine.ToExpiry(30) });

        Assert.Equal(Changed("k", "v", 2, 2, 30) with { Stale = true }, Assert.Single(_observer.Changes));
    }

    [Fact]
    public void MetaInvalidateWithNewCasReportsThatCas()
    {
        _engine.Set("k", "v");
        _observer.Clear();

        _engine.Delete("k", new DeleteRequest { Invalidate = true, NewCas = 77 });

        Assert.Equal(Changed("k", "v", 0, 77, -1) with { Stale = true }, Assert.Single(_observer.Changes));
    }

    [Fact]
    public void MetaDeleteOfTheValueReportsTheEmptiedItem()
    {
        _engine.Set("k", "v", flags: 2, exptime: 100);
        _observer.Clear();

        Assert.Equal(DeleteStatus.Deleted, _engine.Delete("k", new DeleteRequest { RemoveValueOnly = true }));

        Assert.Equal(Changed("k", "", 0, 2, 100), Assert.Single(_observer.Changes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnItemStoredAlreadyExpiredReportsTtlZeroNotNever(bool unixTimeOneSecondAgo)
    {
        // A Unix time one second ago is engine time now - 1, which the meta t flag would show as -1, "never".
        long exptime = unixTimeOneSecondAgo ? _clock.UnixSeconds - 1 : -1;

        Assert.Equal(StoreStatus.Stored, _engine.Set("k", "v", exptime: exptime).Status);

        Assert.Equal(Changed("k", "v", 0, 1, 0), Assert.Single(_observer.Changes));
    }

    [Fact]
    public async Task ObserverIsCalledWhileThePartitionLockIsHeld()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _engine.ChangeObserver = new BlockingObserver(entered, release);

        Task<StoreResult> store = Task.Run(() => _engine.Set("k", "v"));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        Task<string?> read = Task.Run(() => _engine.GetText("k"));

        Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(300)));
        release.Set();
        Assert.Equal("v", await read);
        Assert.Equal(StoreStatus.Stored, (await store).Status);
    }

    private int Partition(string key) => _engine.PartitionOf(EngineTestHelpers.Bytes(key));

    private Change Changed(string key, string value, uint flags, ulong cas, int ttl)
        => new(ChangeKind.Changed, Partition(key), key, value, flags, cas, ttl, false, false);

    /// <summary>Holds the first notification until released (a test may block; an engine observer must not).</summary>
    private sealed class BlockingObserver(ManualResetEventSlim entered, ManualResetEventSlim release) : IItemChangeObserver
    {
        public void OnItemChanged(int partition, in ItemView item)
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        }

        public void OnItemDeleted(int partition, ReadOnlySpan<byte> key)
        {
        }
    }
}

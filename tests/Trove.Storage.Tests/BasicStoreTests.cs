namespace Trove.Storage.Tests;

public sealed class BasicStoreTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public BasicStoreTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void SetThenGetReturnsTheValueFlagsAndCas()
    {
        StoreResult stored = _engine.Set("k", "hello", flags: 42);

        Capture got = _engine.Get("k", default, out GetStatus status);

        Assert.Equal(StoreStatus.Stored, stored.Status);
        Assert.Equal(GetStatus.Hit, status);
        Assert.Equal("hello", got.Text);
        Assert.Equal(42u, got.Flags);
        Assert.Equal(stored.Cas, got.Cas);
        Assert.Equal(-1, got.Ttl);
    }

    [Fact]
    public void FirstStoreAfterStartGetsCasOneAndEachStoreTheNext()
    {
        Assert.Equal(1UL, _engine.Set("a", "x").Cas);
        Assert.Equal(2UL, _engine.Set("a", "y").Cas);
        Assert.Equal(3UL, _engine.Set("b", "z").Cas);
    }

    [Fact]
    public void GetOfAMissingKeyIsAMiss()
    {
        Capture got = _engine.Get("nope", default, out GetStatus status);

        Assert.Equal(GetStatus.Miss, status);
        Assert.Equal(0, got.Reads);
        Assert.Equal(1, _engine.GetStats().GetMisses);
    }

    [Fact]
    public void EmptyValuesAreStored()
    {
        _engine.Set("e", "");

        Assert.Equal("", _engine.GetText("e"));
    }

    [Fact]
    public void DeleteRemovesTheItemAndCountsHitsAndMisses()
    {
        _engine.Set("k", "v");

        Assert.Equal(DeleteStatus.Deleted, _engine.Delete("k"));
        Assert.Equal(DeleteStatus.NotFound, _engine.Delete("k"));
        Assert.Null(_engine.GetText("k"));
        EngineStats stats = _engine.GetStats();
        Assert.Equal(1, stats.DeleteHits);
        Assert.Equal(1, stats.DeleteMisses);
        Assert.Equal(0, stats.CurrItems);
    }

    [Fact]
    public void AddStoresOnlyWhenTheKeyIsAbsent()
    {
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Add, "k", "one").Status);
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Add, "k", "two").Status);
        Assert.Equal("one", _engine.GetText("k"));
    }

    [Fact]
    public void ReplaceStoresOnlyWhenTheKeyIsPresent()
    {
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Replace, "k", "one").Status);
        _engine.Set("k", "one");
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Replace, "k", "two").Status);
        Assert.Equal("two", _engine.GetText("k"));
    }

    [Fact]
    public void AppendAndPrependKeepTheOldFlagsAndExptime()
    {
        _engine.Set("k", "mid", flags: 7, exptime: 100);

        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Append, "k", "-end", flags: 1, exptime: 5).Status);
        Assert.Equal(StoreStatus.Stored, _engine.Store(StoreMode.Prepend, "k", "start-", flags: 2, exptime: 9).Status);

        Capture got = _engine.Get("k");
        Assert.Equal("start-mid-end", got.Text);
        Assert.Equal(7u, got.Flags);
        Assert.Equal(100, got.Ttl);
    }

    [Fact]
    public void AppendAndPrependOnAMissingKeyAreNotStored()
    {
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Append, "k", "x").Status);
        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Prepend, "k", "x").Status);
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void AppendGetsANewCas()
    {
        ulong first = _engine.Set("k", "a").Cas;

        StoreResult appended = _engine.Store(StoreMode.Append, "k", "b");

        Assert.True(appended.Cas > first);
        Assert.Equal(appended.Cas, _engine.Get("k").Cas);
    }

    [Fact]
    public void AppendBeyondTheMaximumItemSizeIsNotStored()
    {
        _engine.Set("k", EngineTestHelpers.Value(600_000));

        Assert.Equal(StoreStatus.NotStored, _engine.Store(StoreMode.Append, "k", EngineTestHelpers.Value(600_000)).Status);
        Assert.Equal(600_000, _engine.Get("k").Value!.Length);
    }

    [Fact]
    public void ItemFitsCountsLikeMemcached()
    {
        // memcached: 48 header + key + 1 + value + 2 + 8 CAS (+4 with flags) must not exceed -I.
        int max = _engine.Options.MaxItemSize;
        Assert.True(_engine.ItemFits(10, max - 59 - 10));
        Assert.False(_engine.ItemFits(10, max - 59 - 10 + 1));
        Assert.False(_engine.ItemFits(10, max - 59 - 10, flags: 1));
        Assert.False(_engine.ItemFits(251, 1));
    }

    [Fact]
    public void TooLargeSetRemovesTheOldValue()
    {
        _engine.Set("k", "old");

        StoreResult result = _engine.Set("k", EngineTestHelpers.Value(2 << 20));

        Assert.Equal(StoreStatus.TooLarge, result.Status);
        Assert.Null(_engine.GetText("k"));
    }

    [Fact]
    public void KeysLongerThan250BytesNeverMatch()
    {
        string key = new('k', 251);

        Assert.Equal(StoreStatus.TooLarge, _engine.Set(key, "v").Status);
        Assert.Null(_engine.GetText(key));
        Assert.Equal(DeleteStatus.NotFound, _engine.Delete(key));
    }

    [Fact]
    public void BytesStatCountsTheBytesItemsReallyOccupy()
    {
        _engine.Set("k", "0123456789");
        _engine.Set("kk", "0123456789", flags: 7);

        // Header, key and value of each item (memcached 1.6.18 would report 145 for its larger layout).
        Assert.Equal((ItemHeader.Size + 1 + 10) + (ItemHeader.Size + 2 + 10), _engine.GetStats().Bytes);
        Assert.Equal(2, _engine.GetStats().CurrItems);
    }

    [Fact]
    public void ValuesSpanningSequenceSegmentsAreCopiedWhole()
    {
        var first = new Segment("hel"u8.ToArray());
        Segment last = first.Append("lo"u8.ToArray());
        var value = new System.Buffers.ReadOnlySequence<byte>(first, 0, last, 2);

        _engine.Store("hello"u8, value, new StoreRequest { Mode = StoreMode.Set });

        Assert.Equal("hello", _engine.GetText("hello"));
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}

namespace Trove.Storage.Tests;

/// <summary>
/// memcached's ITEM_KEY_BINARY: an item remembers whether meta set stored it under a base64 (b) key, so that mg
/// echoes the key the way it was stored whatever the reading request says. Only the stored item carries the bit.
/// </summary>
public sealed class BinaryKeyTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CacheEngine _engine;

    public BinaryKeyTests() => _engine = EngineTestHelpers.Create(_clock);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void AnItemStoredWithABinaryKeyShowsItToReaders()
    {
        _engine.Store("k", EngineTestHelpers.Bytes("v"), new StoreRequest { Mode = StoreMode.Set, BinaryKey = true });

        Assert.True(_engine.Get("k").BinaryKey);
    }

    [Fact]
    public void APlainSetOverABinaryKeyedItemClearsTheBit()
    {
        _engine.Store("k", EngineTestHelpers.Bytes("v"), new StoreRequest { Mode = StoreMode.Set, BinaryKey = true });
        _engine.Set("k", "w");

        Capture got = _engine.Get("k");
        Assert.False(got.BinaryKey);
        Assert.Equal("w", got.Text);
    }

    [Fact]
    public void AppendBuildsANewItemWithoutTheBitAsMemcachedDoes()
    {
        _engine.Store("k", EngineTestHelpers.Bytes("v"), new StoreRequest { Mode = StoreMode.Set, BinaryKey = true });
        _engine.Store("k", EngineTestHelpers.Bytes("w"), new StoreRequest { Mode = StoreMode.Append, BinaryKey = true });

        Capture got = _engine.Get("k");
        Assert.Equal("vw", got.Text);
        Assert.False(got.BinaryKey);
    }
}

using System.Buffers;
using System.Text;

namespace Trove.Storage.Tests;

/// <summary>Copies everything an <see cref="ItemView"/> shows.</summary>
internal struct Capture : IItemReader
{
    public string? Key;
    public byte[]? Value;
    public uint Flags;
    public ulong Cas;
    public int Ttl;
    public int TtlBeforeTouch;
    public uint SecondsSinceLastAccess;
    public bool FetchedBefore;
    public bool Win;
    public bool Stale;
    public bool WinTokenSent;
    public bool Vivified;
    public bool BinaryKey;
    public int Reads;

    public readonly string? Text => Value is null ? null : Encoding.ASCII.GetString(Value);

    public void Read(in ItemView item)
    {
        Key = Encoding.ASCII.GetString(item.Key);
        Value = item.Value.ToArray();
        Flags = item.Flags;
        Cas = item.Cas;
        Ttl = item.TtlRemaining;
        TtlBeforeTouch = item.TtlRemainingBeforeTouch;
        SecondsSinceLastAccess = item.SecondsSinceLastAccess;
        FetchedBefore = item.FetchedBefore;
        Win = item.Win;
        Stale = item.Stale;
        WinTokenSent = item.WinTokenSent;
        Vivified = item.Vivified;
        BinaryKey = item.BinaryKey;
        Reads++;
    }
}

/// <summary>Short forms of the engine calls the tests make.</summary>
internal static class EngineTestHelpers
{
    public static CacheEngine Create(ManualTimeProvider clock, long memoryLimit = 64L << 20, int partitions = 16, int maxItemSize = 1 << 20)
        => new(new EngineOptions { MemoryLimitBytes = memoryLimit, PartitionCount = partitions, MaxItemSize = maxItemSize }, clock);

    public static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    public static ReadOnlySequence<byte> Sequence(string text) => new(Bytes(text));

    public static StoreResult Set(this CacheEngine engine, string key, string value, uint flags = 0, long exptime = 0)
        => engine.Store(StoreMode.Set, key, value, flags, exptime);

    public static StoreResult Store(this CacheEngine engine, StoreMode mode, string key, string value, uint flags = 0, long exptime = 0)
    {
        var request = new StoreRequest { Mode = mode, Flags = flags, ExpiresAt = engine.ToExpiry(exptime) };
        return engine.Store(Bytes(key), Sequence(value), request);
    }

    public static StoreResult Store(this CacheEngine engine, string key, byte[] value, in StoreRequest request)
        => engine.Store(Bytes(key), new ReadOnlySequence<byte>(value), request);

    public static StoreResult Cas(this CacheEngine engine, string key, string value, ulong cas)
    {
        var request = new StoreRequest { Mode = StoreMode.Cas, HasCompareCas = true, CompareCas = cas };
        return engine.Store(Bytes(key), Sequence(value), request);
    }

    public static Capture Get(this CacheEngine engine, string key, GetRequest request = default)
        => engine.Get(key, request, out _);

    public static Capture Get(this CacheEngine engine, string key, GetRequest request, out GetStatus status)
    {
        var capture = new Capture();
        status = engine.Get(Bytes(key), request, ref capture);
        return capture;
    }

    public static string? GetText(this CacheEngine engine, string key) => engine.Get(key).Text;

    /// <summary>An internal read: no bump, no stats.</summary>
    public static string? Peek(this CacheEngine engine, string key) => engine.Get(key, new GetRequest { NoBump = true }).Text;

    public static DeleteStatus Delete(this CacheEngine engine, string key, DeleteRequest request = default)
        => engine.Delete(Bytes(key), request);

    public static ArithmeticResult Incr(this CacheEngine engine, string key, ulong delta)
        => engine.Arithmetic(Bytes(key), new ArithmeticRequest { Increment = true, Delta = delta });

    public static ArithmeticResult Decr(this CacheEngine engine, string key, ulong delta)
        => engine.Arithmetic(Bytes(key), new ArithmeticRequest { Increment = false, Delta = delta });

    public static TouchStatus Touch(this CacheEngine engine, string key, long exptime)
        => engine.Touch(Bytes(key), engine.ToExpiry(exptime));

    public static string Value(int length, char fill = 'v') => new(fill, length);
}

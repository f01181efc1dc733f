using System.Buffers;

namespace Trove.Storage;

/// <summary>
/// The in-memory item store. CONTRACT ONLY in this commit: the implementation lands with the engine.
/// Every method is thread safe; none throws on a miss.
/// </summary>
public sealed partial class CacheEngine : IDisposable
{
    public CacheEngine(EngineOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
    }

    public EngineOptions Options { get; }
    public TimeProvider Time { get; }

    /// <summary>Engine time now, in whole seconds (memcached's current_time).</summary>
    public uint Now => throw new NotImplementedException();

    /// <summary>Converts a protocol exptime (0 never, up to 30 days relative, else Unix time, negative = expired) to an engine time.</summary>
    public uint ToExpiry(long exptime) => throw new NotImplementedException();

    /// <summary>Whether an item with these lengths fits under the maximum item size (memcached's item_size_ok).</summary>
    public bool ItemFits(int keyLength, long valueLength) => throw new NotImplementedException();

    /// <summary>The partition a key belongs to: stable across processes and versions (see docs/ARCHITECTURE.md).</summary>
    public int PartitionOf(ReadOnlySpan<byte> key) => throw new NotImplementedException();

    public GetStatus Get<TReader>(ReadOnlySpan<byte> key, in GetRequest request, ref TReader reader)
        where TReader : IItemReader, allows ref struct
        => throw new NotImplementedException();

    public StoreResult Store(ReadOnlySpan<byte> key, in ReadOnlySequence<byte> value, in StoreRequest request)
        => throw new NotImplementedException();

    public DeleteStatus Delete(ReadOnlySpan<byte> key, in DeleteRequest request)
        => throw new NotImplementedException();

    public ArithmeticResult Arithmetic(ReadOnlySpan<byte> key, in ArithmeticRequest request)
        => throw new NotImplementedException();

    public TouchStatus Touch(ReadOnlySpan<byte> key, uint newExpiresAt)
        => throw new NotImplementedException();

    /// <summary>flush_all: invalidates every item stored at or before engine time <paramref name="at"/> (now, or now + delay).</summary>
    public void FlushAll(uint at) => throw new NotImplementedException();

    /// <summary>cache_memlimit: changes the memory limit at run time.</summary>
    public void SetMemoryLimit(long bytes) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}

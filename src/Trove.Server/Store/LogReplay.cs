using System.Buffers;
using Trove.Storage;
using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// Applies recovered records to the engine: a Set is stored with its own CAS (<see cref="StoreRequest.NewCas"/>) and
/// its absolute expiry turned into engine time; a Delete, or a Set whose expiry has passed meanwhile, removes the key
/// (it may have an older Set before it). Runs before any observer is installed, so nothing is logged again.
/// </summary>
/// <remarks>With values on disk each item keeps its record's location (<paramref name="values"/>), and when memory
/// runs low the engine turns cold items into stubs, so a log larger than memory replays.</remarks>
internal sealed class LogReplay(CacheEngine engine, LogValueReader? values = null)
{
    private readonly long _unixNow = engine.Time.GetUtcNow().ToUnixTimeSeconds();
    private byte[] _value = new byte[4096];

    /// <summary>The highest CAS in any Set record: the engine's counter must continue above it.</summary>
    public ulong MaxCas { get; private set; }

    /// <summary>Sets the engine could not hold (larger than the item size limit, or no memory). Logged as a warning.</summary>
    public long NotLoaded { get; private set; }

    /// <summary>Sets that had expired while the node was down (applied as deletes).</summary>
    public long Expired { get; private set; }

    public void Apply(in LogRecord record)
    {
        if (record.Type == RecordType.Delete)
        {
            engine.Delete(record.Key, default);
            return;
        }

        MaxCas = Math.Max(MaxCas, record.Cas);
        if (record.ExpiresAtUnix != 0 && (long)record.ExpiresAtUnix <= _unixNow)
        {
            Expired++;
            engine.Delete(record.Key, default);
            return;
        }

        // The record's spans live only during this call; the engine copies the value, so one buffer is reused.
        if (_value.Length < record.Value.Length)
        {
            _value = new byte[Math.Max(record.Value.Length, _value.Length * 2)];
        }
        record.Value.CopyTo(_value);
        var request = new StoreRequest
        {
            Mode = StoreMode.Set,
            Flags = record.ClientFlags,
            // Unix times above 30 days are absolute for ToExpiry, as for a client's exptime.
            ExpiresAt = record.ExpiresAtUnix == 0 ? 0 : engine.ToExpiry((long)record.ExpiresAtUnix),
            NewCas = record.Cas,
            BinaryKey = (record.Bits & ItemBits.BinaryKey) != 0,
            RecordLocation = values?.ToValueLocation(record.Location) ?? default,
        };
        StoreResult result = engine.Store(record.Key, new ReadOnlySequence<byte>(_value, 0, record.Value.Length), in request);
        if (result.Status != StoreStatus.Stored)
        {
            NotLoaded++;
            engine.Delete(record.Key, default); // never leave an older version in its place
        }
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;
using Trove.Storage;
using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// Applies recovered records to the engine: a Set is stored with its own CAS (<see cref="StoreRequest.NewCas"/>) and
/// its absolute expiry turned into engine time; a Delete, or a Set whose expiry has passed meanwhile, removes the key
/// (it may have an older Set before it). Runs before any observer is installed, so nothing is logged again.
/// </summary>
/// <param name="engine">The empty engine to fill.</param>
/// <param name="logBytes">Bytes of the whole log about to be replayed (0 if unknown): with the average size of the
/// first <see cref="SampleRecords"/> records it estimates how many records follow, and the engine's index is sized for
/// them once (<see cref="CacheEngine.ReserveItems"/>) instead of growing step by step.</param>
/// <param name="values">With values on disk, where each item's record is (null otherwise).</param>
/// <remarks>With values on disk each item keeps its record's location, and when memory runs low the engine turns cold
/// items into stubs, so a log larger than memory replays.</remarks>
internal sealed class LogReplay(CacheEngine engine, long logBytes = 0, LogValueReader? values = null)
{
    /// <summary>Records read before the index is sized: enough for a steady average record size.</summary>
    internal const int SampleRecords = 4096;

    private readonly long _unixNow = engine.Time.GetUtcNow().ToUnixTimeSeconds();
    private byte[] _value = new byte[4096];
    private long _sampledRecords;
    private long _sampledBytes;

    /// <summary>The highest CAS in any Set record: the engine's counter must continue above it.</summary>
    public ulong MaxCas { get; private set; }

    /// <summary>Sets the engine could not hold (larger than the item size limit, or no memory). Logged as a warning.</summary>
    public long NotLoaded { get; private set; }

    /// <summary>Sets that had expired while the node was down (applied as deletes).</summary>
    public long Expired { get; private set; }

    /// <summary>The item count the index was sized for (0 until <see cref="SampleRecords"/> records were read).</summary>
    public long ReservedItems { get; private set; }

    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(in LogRecord record)
    {
        if (_sampledRecords < SampleRecords)
        {
            Sample(record);
        }

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
        else if ((record.Bits & ItemBits.Stale) != 0)
        {
            engine.RestoreStale(record.Key, record.Cas); // an invalidated item comes back invalidated
        }
    }

    /// <summary>
    /// Counts the record's bytes; at the last sampled record, sizes the index for as many items as the log has
    /// records at this average size. Records bound the items from above (overwrites and deletes are records too),
    /// and compaction keeps the log within about twice the live data, so the estimate is at most about twice too high.
    /// </summary>
    private void Sample(in LogRecord record)
    {
        _sampledBytes += RecordFormat.EncodedLength(record);
        if (++_sampledRecords == SampleRecords && logBytes > _sampledBytes)
        {
            ReservedItems = (long)((double)logBytes / _sampledBytes * _sampledRecords);
            engine.ReserveItems(ReservedItems);
        }
    }
}

namespace Trove.Storage;

/// <summary>How a store request treats an existing item (memcached's set/add/replace/append/prepend/cas).</summary>
public enum StoreMode : byte
{
    Set,
    Add,
    Replace,
    Append,
    Prepend,
    /// <summary>Store only if the item exists and its CAS equals <see cref="StoreRequest.CompareCas"/>.</summary>
    Cas,
}

public enum StoreStatus : byte
{
    Stored,
    /// <summary>add on an existing key, replace/append/prepend on a missing one.</summary>
    NotStored,
    /// <summary>CAS mismatch.</summary>
    Exists,
    /// <summary>cas (or a compare-CAS request) on a missing key.</summary>
    NotFound,
    /// <summary>The item can never fit (larger than the maximum item size).</summary>
    TooLarge,
    /// <summary>No memory could be freed for the item.</summary>
    OutOfMemory,
}

/// <summary>Arguments of <see cref="CacheEngine.Store"/>. Times are engine times (see <see cref="CacheEngine.ToExpiry"/>).</summary>
public struct StoreRequest
{
    public StoreMode Mode;
    public uint Flags;
    /// <summary>Engine time at which the item expires; 0 = never.</summary>
    public uint ExpiresAt;
    /// <summary>When true (always for <see cref="StoreMode.Cas"/>), the store happens only if the item's CAS equals <see cref="CompareCas"/>.</summary>
    public bool HasCompareCas;
    public ulong CompareCas;
    /// <summary>Non-zero: use this as the new item's CAS instead of the next counter value (meta E flag).</summary>
    public ulong NewCas;
    /// <summary>Meta I flag: when the compare-CAS is older than the item's CAS, store anyway but mark the new item stale.</summary>
    public bool Invalidate;
    /// <summary>Meta N flag with append/prepend: on a miss, create the item (with <see cref="VivifyExpiresAt"/>) instead of NOT_STORED.</summary>
    public bool VivifyOnMiss;
    public uint VivifyExpiresAt;
    /// <summary>Meta b flag: the key arrived base64-encoded, so meta replies echo it encoded (set/add/replace/cas only, as memcached).</summary>
    public bool BinaryKey;
    /// <summary>Store mode, replay only: where the Set record being replayed is (the change is not reported, so the
    /// location cannot come from the observer).</summary>
    public ValueLocation RecordLocation;
}

public readonly record struct StoreResult(StoreStatus Status, ulong Cas);

public enum GetStatus : byte
{
    Hit,
    Miss,
    /// <summary>Miss with the meta N flag: an empty item was created and this caller holds its win token.</summary>
    Vivified,
    /// <summary>
    /// Store mode: the item exists but its value is on disk and could not be read (an I/O error, or the record found
    /// is not the item's), or, for a touch, not brought back into memory. Nothing was shown to the reader. Servers
    /// answer SERVER_ERROR.
    /// </summary>
    ValueUnavailable,
}

/// <summary>Arguments of <see cref="CacheEngine.Get"/>; default means a plain get.</summary>
public struct GetRequest
{
    /// <summary>gat/gats and meta T: set the expiry to <see cref="NewExpiresAt"/>.</summary>
    public bool Touch;
    public uint NewExpiresAt;
    /// <summary>Meta N: on a miss create an empty item expiring at <see cref="VivifyExpiresAt"/> and hand out the win token.
    /// <see cref="Touch"/> does not apply to the created item: meta applies N and T in request order, so the caller
    /// passes whichever comes last as <see cref="VivifyExpiresAt"/>.</summary>
    public bool Vivify;
    public uint VivifyExpiresAt;
    /// <summary>Meta R: if the remaining TTL is below <see cref="RecacheThreshold"/> seconds, hand out a win token.</summary>
    public bool HasRecache;
    /// <summary>The R token as the client sent it (seconds); it is converted like an exptime, as memcached does. Pass 0 for a negative token.</summary>
    public uint RecacheThreshold;
    /// <summary>Compare R with the expiry as it was before this request's touch (meta R given before T); otherwise with the touched one.</summary>
    public bool RecacheBeforeTouch;
    /// <summary>Do not mark the item fetched or bump it, and count nothing in the stats (for internal reads such as migration).</summary>
    public bool NoBump;
    /// <summary>Meta u: do not mark the item fetched or bump it, but count the read in the stats like memcached does.</summary>
    public bool NoLruBump;
    /// <summary>The request is a meta get (mg): with <see cref="Touch"/> a miss counts as get_misses, not touch_misses (memcached 1.6).</summary>
    public bool MetaGet;
    /// <summary>The reader does not look at the value: a value on disk is not read (its view's value is empty).</summary>
    public bool NoValue;
}

/// <summary>
/// A read-only view of an item, valid only inside <see cref="IItemReader.Read"/> (the caller holds the stripe lock).
/// </summary>
public readonly ref struct ItemView
{
    public ReadOnlySpan<byte> Key { get; init; }
    public ReadOnlySpan<byte> Value { get; init; }
    public uint Flags { get; init; }
    public ulong Cas { get; init; }
    /// <summary>Seconds until expiry after this request's touch, -1 when it never expires (meta t flag).</summary>
    public int TtlRemaining { get; init; }
    /// <summary>Seconds until expiry before this request's touch, -1 when it never expires (meta t given before T).</summary>
    public int TtlRemainingBeforeTouch { get; init; }
    /// <summary>Seconds since the item was last accessed, measured before this access (meta l flag).</summary>
    public uint SecondsSinceLastAccess { get; init; }
    /// <summary>Whether the item had been fetched before this access (meta h flag).</summary>
    public bool FetchedBefore { get; init; }
    /// <summary>This caller won the right to recache the item (meta W flag).</summary>
    public bool Win { get; init; }
    /// <summary>The item is stale, marked by an invalidation (meta X flag).</summary>
    public bool Stale { get; init; }
    /// <summary>Another caller already holds the win token (meta Z flag).</summary>
    public bool WinTokenSent { get; init; }
    /// <summary>This request created the item (meta N on a miss); memcached shows it without expiry until N applies.</summary>
    public bool Vivified { get; init; }
    /// <summary>The item was stored by meta set with a base64 (b) key; meta echoes its key encoded.</summary>
    public bool BinaryKey { get; init; }
}

/// <summary>Receives an item under the stripe (partition) lock. Must not block or call back into the engine.</summary>
public interface IItemReader
{
    void Read(in ItemView item);
}

public enum DeleteStatus : byte
{
    Deleted,
    NotFound,
    Exists,
}

/// <summary>Arguments of <see cref="CacheEngine.Delete"/>; default means a plain delete.</summary>
public struct DeleteRequest
{
    public bool HasCompareCas;
    public ulong CompareCas;
    /// <summary>Non-zero: CAS to give the item when it is invalidated rather than removed (meta E).</summary>
    public ulong NewCas;
    /// <summary>Meta I: mark the item stale (and bump its CAS) instead of removing it.</summary>
    public bool Invalidate;
    /// <summary>With <see cref="Invalidate"/>: also set the expiry to <see cref="NewExpiresAt"/> (meta T).</summary>
    public bool Touch;
    public uint NewExpiresAt;
    /// <summary>Meta x: drop the value (and client flags) but keep the item.</summary>
    public bool RemoveValueOnly;
    /// <summary>Count neither a hit nor a miss: memcached unlinks the old value after a refused set without counting a delete.</summary>
    public bool Uncounted;
}

public enum ArithmeticStatus : byte
{
    Ok,
    NotFound,
    NonNumeric,
    Exists,
    OutOfMemory,
    /// <summary>Miss with the meta N flag: the item was created with <see cref="ArithmeticRequest.InitialValue"/>.</summary>
    Vivified,
}

/// <summary>Arguments of <see cref="CacheEngine.Arithmetic"/> (incr/decr and meta ma).</summary>
public struct ArithmeticRequest
{
    public bool Increment;
    public ulong Delta;
    public bool HasCompareCas;
    public ulong CompareCas;
    public ulong NewCas;
    /// <summary>Meta N: on a miss create the item with <see cref="InitialValue"/> expiring at <see cref="VivifyExpiresAt"/>
    /// (<see cref="Touch"/> does not apply to it; see <see cref="GetRequest.Vivify"/>).</summary>
    public bool Vivify;
    public ulong InitialValue;
    public uint VivifyExpiresAt;
    /// <summary>Meta T: update the expiry on a hit.</summary>
    public bool Touch;
    public uint NewExpiresAt;
}

/// <summary>Outcome of <see cref="CacheEngine.Arithmetic"/>; <see cref="TtlRemaining"/> is measured after the touch.</summary>
public readonly record struct ArithmeticResult(ArithmeticStatus Status, ulong Value, ulong Cas, int TtlRemaining)
{
    /// <summary>Seconds until expiry before this request's touch, -1 when it never expires (meta t given before T).</summary>
    public int TtlRemainingBeforeTouch { get; init; }
}

public enum TouchStatus : byte
{
    Touched,
    NotFound,
}

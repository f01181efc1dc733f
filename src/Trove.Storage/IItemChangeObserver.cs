namespace Trove.Storage;

/// <summary>
/// Told about every change a client command makes to an item, while the engine holds the item's partition lock.
/// Implementations must be fast, must not block, and must not call back into the engine.
/// </summary>
/// <remarks>
/// Because the partition lock is held, two notifications for the same key arrive in the order the changes were
/// made. An implementation must not throw either: the exception would reach the client's command. Removals the engine makes on its own (eviction, expiry, flush, <see cref="CacheEngine.DropPartition"/>)
/// and failed commands are not reported; see docs/STORAGE.md, "Change observer".
/// </remarks>
public interface IItemChangeObserver
{
    /// <summary>
    /// An item was stored or changed: set/add/replace/cas/append/prepend, incr/decr (in place or not), touch,
    /// get-and-touch (gat/gats, meta mg with T), vivify (meta N creating an empty item), meta invalidation (md I /
    /// ms I marking stale). <paramref name="item"/> shows its state after the change (key, value, flags, CAS,
    /// TtlRemaining = seconds until expiry or -1 for never; Stale and BinaryKey set as usual).
    /// </summary>
    /// <remarks>An item stored or touched with an expiry already past reports a TtlRemaining of 0, never a negative number.</remarks>
    void OnItemChanged(int partition, in ItemView item);

    /// <summary>The key was removed by a delete command (not by eviction, expiry, flush or DropPartition).</summary>
    void OnItemDeleted(int partition, ReadOnlySpan<byte> key);
}

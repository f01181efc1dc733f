namespace Trove.Storage;

/// <summary>The change observer hook (replication, and later the persistence log).</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>
    /// Told about every successful change a client command makes (null = none). Read once per operation at the
    /// point of change, under the partition lock; with none set that costs one null check.
    /// </summary>
    public IItemChangeObserver? ChangeObserver { get; set; }

    /// <summary>
    /// Reports an item's state after a change, and keeps where its log record went (values on disk). Caller holds
    /// the partition lock and has finished the change. Never a stub: a change to one first brings its value back.
    /// </summary>
    private void NotifyChanged(IItemChangeObserver observer, Partition part, ItemHeader* item, uint now)
    {
        var view = new ItemView
        {
            Key = ItemHeader.Key(item),
            Value = ItemHeader.Value(item),
            Flags = item->ClientFlags,
            Cas = item->Cas,
            TtlRemaining = ObservedTtl(item, now),
            TtlRemainingBeforeTouch = ObservedTtl(item, now),
            Stale = (item->Flags & ItemFlags.Stale) != 0,
            BinaryKey = (item->Flags & ItemFlags.BinaryKey) != 0,
        };
        observer.OnItemChanged(part.Index, in view);
        RecordLocation(item);
    }

    /// <summary>
    /// Seconds to expiry for an observer: -1 for never, 0 when already expired. <see cref="TtlOf"/> would give a
    /// negative number for a past expiry, and -1 for one that passed a second ago, which reads as "never".
    /// </summary>
    private static int ObservedTtl(ItemHeader* item, uint now)
        => item->ExpiresAt == 0 ? -1 : item->ExpiresAt <= now ? 0 : (int)(item->ExpiresAt - now);
}

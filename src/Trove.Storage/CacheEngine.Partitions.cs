namespace Trove.Storage;

/// <summary>Whole-partition operations for clustering (migration, rebalancing), all without stopping traffic.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Table slots visited under one hold of the partition lock while enumerating.</summary>
    private const int EnumerationBatch = 256;
    /// <summary>Times an enumeration starts over because the table was rebuilt under it.</summary>
    private const int MaxEnumerationRestarts = 4;

    /// <summary>Number of fixed partitions (<see cref="EngineOptions.PartitionCount"/>).</summary>
    public int PartitionCount => _partitions.Length;

    /// <summary>Items linked in a partition, including expired ones not yet reclaimed.</summary>
    public long CountPartition(int partition) => PartitionAt(partition).Table.Count;

    /// <summary>Bytes of the items of a partition (headers, keys and values), as "bytes" in stats counts them. A racy read: for pacing, not accounting.</summary>
    public long PartitionBytes(int partition) => Volatile.Read(ref PartitionAt(partition).Counters.Bytes);

    /// <summary>
    /// Shows every live item of a partition to <paramref name="visitor"/>, holding the partition lock for one batch
    /// of slots at a time. Items present for the whole enumeration are visited at least once (an item may be
    /// visited twice if the partition's table is rebuilt meanwhile); items written meanwhile may or may not be.
    /// Does not bump items or count stats.
    /// </summary>
    public void ForEachInPartition<TVisitor>(int partition, ref TVisitor visitor)
        where TVisitor : IItemReader, allows ref struct
    {
        Partition part = PartitionAt(partition);
        int slot = 0;
        int version = -1;
        int restarts = 0;
        while (true)
        {
            using (part.Lock.EnterScope())
            {
                if (part.Table.Version != version)
                {
                    if (version != -1 && restarts++ < MaxEnumerationRestarts)
                    {
                        slot = 0;
                    }

                    version = part.Table.Version;
                }

                uint now = Now;
                int capacity = part.Table.Capacity;
                int end = Math.Min(capacity, slot + EnumerationBatch);
                for (; slot < end; slot++)
                {
                    ItemHeader* item = part.Table.At(slot);
                    if (item != null && !IsDead(item, now))
                    {
                        byte[]? rented = null;
                        ReadOnlySpan<byte> value;
                        if (!IsStub(item))
                        {
                            value = ItemHeader.Value(item);
                        }
                        else if (TryReadStub(item, out rented, out value))
                        {
                            // One record read per hold of the lock: end this batch after the item.
                            end = slot + 1;
                        }
                        else
                        {
                            // Never hand on a wrong or empty value: the copy goes without this item (counted
                            // in the read errors and logged by the value log).
                            end = slot + 1;
                            continue;
                        }

                        var view = new ItemView
                        {
                            Key = ItemHeader.Key(item),
                            Value = value,
                            Flags = item->ClientFlags,
                            Cas = item->Cas,
                            TtlRemaining = TtlOf(item, now),
                            TtlRemainingBeforeTouch = TtlOf(item, now),
                            SecondsSinceLastAccess = now - item->Time,
                            FetchedBefore = (item->Flags & ItemFlags.Fetched) != 0,
                            Stale = (item->Flags & ItemFlags.Stale) != 0,
                            WinTokenSent = (item->Flags & ItemFlags.TokenSent) != 0,
                            BinaryKey = (item->Flags & ItemFlags.BinaryKey) != 0,
                        };
                        visitor.Read(in view);
                        ReturnRented(rented);
                    }
                }

                if (slot >= capacity)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Removes every item of a partition and returns how many. The table is swapped for an empty one under the lock;
    /// the old items are then freed outside it. Not counted as deletes or evictions. With
    /// <paramref name="reportDeletes"/>, the <see cref="ChangeObserver"/> is told of each key's removal first, under the
    /// same hold of the lock (store mode logs them, so a restart does not bring the partition back).
    /// </summary>
    public long DropPartition(int partition, bool reportDeletes = false)
    {
        Partition part = PartitionAt(partition);
        ulong* slots;
        int capacity;
        using (part.Lock.EnterScope())
        {
            if (reportDeletes && ChangeObserver is { } observer)
            {
                for (int i = 0; i < part.Table.Capacity; i++)
                {
                    ItemHeader* item = part.Table.At(i);
                    if (item != null)
                        observer.OnItemDeleted(part.Index, ItemHeader.Key(item));
                }
            }
            slots = part.Table.DetachAndReset(out capacity);
        }

        Span<long> items = stackalloc long[_classes.Length];
        Span<long> requested = stackalloc long[_classes.Length];
        long dropped = 0;
        long bytes = 0;
        for (int i = 0; i < capacity; i++)
        {
            ItemHeader* item = ItemTable.EntryAt(slots, i);
            if (item == null)
            {
                continue;
            }

            // Unreachable now: scanners that find it fail to re-validate it, so writing its flags is safe.
            item->Flags &= ~ItemFlags.Linked;
            items[item->SlabClass]++;
            requested[item->SlabClass] += ItemBytes(item);
            bytes += ItemBytes(item);
            ForgetOnDisk(item);
            dropped++;
            FreeItem(item);
        }

        ItemTable.FreeSlots(slots);
        using (part.Lock.EnterScope())
        {
            part.Counters.CurrItems -= dropped;
            part.Counters.Bytes -= bytes;
            for (int id = 0; id < items.Length; id++)
            {
                if (items[id] != 0)
                {
                    part.Tally(id, ClassTally.Items) -= items[id];
                    part.Tally(id, ClassTally.RequestedBytes) -= requested[id];
                }
            }
        }

        return dropped;
    }

    private Partition PartitionAt(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, _partitions.Length);
        return _partitions[partition];
    }
}

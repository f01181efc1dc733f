using System.Buffers;
using System.Runtime.CompilerServices;

namespace Trove.Storage;

/// <summary>Item primitives shared by the commands. Unless stated otherwise the caller holds the partition lock.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>
    /// CLOCK count of a new item: none. When memory is full a new item takes the victim's chunk, just behind the
    /// hand, so it still lives a whole revolution; unread items thus leave in insertion order, like memcached's COLD LRU.
    /// </summary>
    private const byte InitialClock = 0;

    /// <summary>
    /// The live item for a key. An expired or flushed item is unlinked on the way (memcached's lazy expiry) and
    /// handed back in <paramref name="dead"/> for the caller to free after releasing the lock.
    /// </summary>
    private ItemHeader* FindLive(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, bool countStats, out int slot, out ItemHeader* dead)
    {
        dead = null;
        ItemHeader* item = part.Table.Find(key, hash, out slot);
        if (item == null)
        {
            return null;
        }

        if (IsFlushed(item, now))
        {
            if (countStats)
            {
                part.Counters.GetFlushed++;
            }
        }
        else if (ItemHeader.IsExpired(item, now))
        {
            if (countStats)
            {
                part.Counters.GetExpired++;
            }
        }
        else
        {
            return item;
        }

        Unlink(part, slot, item);
        dead = item;
        slot = -1;
        return null;
    }

    /// <summary>memcached's item_is_flushed: invalid after a flush_all that has taken effect.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFlushed(ItemHeader* item, uint now)
    {
        uint oldestLive = Volatile.Read(ref _oldestLive);
        if (oldestLive == 0 || oldestLive > now)
        {
            return false;
        }

        ulong oldestCas = Volatile.Read(ref _oldestCas);
        return item->Time <= oldestLive || (oldestCas != 0 && item->Cas != 0 && item->Cas < oldestCas);
    }

    private bool IsDead(ItemHeader* item, uint now) => IsFlushed(item, now) || ItemHeader.IsExpired(item, now);

    /// <summary>Removes an item from the table and the counts; the caller owns (and later frees) it.</summary>
    private void Unlink(Partition part, int slot, ItemHeader* item)
    {
        part.Table.RemoveAt(slot);
        ForgetLinked(part, item);
    }

    /// <summary>Clears the linked state and the counts of an item already out of the table.</summary>
    private void ForgetLinked(Partition part, ItemHeader* item)
    {
        item->Flags &= ~ItemFlags.Linked;
        int size = ItemBytes(item);
        part.Counters.CurrItems--;
        part.Counters.Bytes -= size;
        part.Tally(item->SlabClass, ClassTally.Items)--;
        part.Tally(item->SlabClass, ClassTally.RequestedBytes) -= size;
        ForgetOnDisk(item);
    }

    /// <summary>
    /// Links a fully written item, replacing <paramref name="replaced"/> (found at <paramref name="slot"/>) when not
    /// null. Assigns the access time and the CAS (memcached do_item_link). Returns the new CAS.
    /// </summary>
    private ulong Link(Partition part, ItemHeader* item, ulong hash, uint now, ulong newCas, int slot, ItemHeader* replaced)
    {
        item->Time = now;
        item->Cas = newCas != 0 ? newCas : _cas.Next();
        item->Clock = InitialClock;
        item->Flags |= ItemFlags.Linked;
        if (replaced != null)
        {
            part.Table.ReplaceAt(slot, item);
            ForgetLinked(part, replaced);
        }
        else
        {
            part.Table.Insert(item, hash);
        }

        int size = ItemBytes(item);
        part.Counters.CurrItems++;
        part.Counters.TotalItems++;
        part.Counters.Bytes += size;
        part.Tally(item->SlabClass, ClassTally.Items)++;
        part.Tally(item->SlabClass, ClassTally.RequestedBytes) += size;
        NoteOnDisk(item);
        return item->Cas;
    }

    /// <summary>
    /// A read (memcached do_item_bump): the first fetch marks the item fetched, the second makes it active and
    /// refreshes its access time. Every read also buys another pass of the CLOCK hand, up to three.
    /// </summary>
    private static void Bump(ItemHeader* item, uint now)
    {
        if ((item->Flags & ItemFlags.Fetched) == 0)
        {
            item->Flags |= ItemFlags.Fetched;
        }
        else if ((item->Clock & ItemHeader.ClockActive) == 0)
        {
            item->Clock |= ItemHeader.ClockActive;
            item->Time = now;
        }

        byte clock = item->Clock;
        if ((clock & ItemHeader.ClockCountMask) < ItemHeader.ClockCountMask)
        {
            item->Clock = (byte)(clock + 1);
        }
    }

    /// <summary>memcached do_item_update: refresh the access time if it is older than the update interval.</summary>
    private static void RefreshTime(ItemHeader* item, uint now)
    {
        if (item->Time < now - ItemUpdateInterval)
        {
            item->Time = now;
        }
    }

    /// <summary>Seconds to expiry as the meta t flag shows it: -1 for never (memcached prints exptime - now as unsigned).</summary>
    private static int TtlOf(ItemHeader* item, uint now) => item->ExpiresAt == 0 ? -1 : (int)(item->ExpiresAt - now);

    /// <summary>Fills the header and key of a freshly allocated item (no lock needed: the item is not shared yet).</summary>
    private void WriteHeader(ItemHeader* item, ReadOnlySpan<byte> key, uint flags, uint expiresAt, int valueLength)
    {
        item->Cas = 0;
        item->ExpiresAt = expiresAt;
        item->Time = 0;
        item->ClientFlags = flags;
        item->ValueLength = valueLength;
        ItemHeader.WriteKey(item, key);
        if (_locationBytes != 0)
        {
            *ItemHeader.Location(item) = new ItemLocation { ValueLength = valueLength };
        }
    }

    private static void WriteValue(ItemHeader* item, int offset, in ReadOnlySequence<byte> value)
        => value.CopyTo(new Span<byte>(ItemHeader.ValuePointer(item) + offset, (int)value.Length));

    /// <summary>Frees whichever of the items is not null: the unlinked leftovers of one operation, freed after the partition lock is released.</summary>
    private void FreeEach(ItemHeader* first, ItemHeader* second, ItemHeader* third = null)
    {
        if (first != null)
        {
            FreeItem(first);
        }

        if (second != null)
        {
            FreeItem(second);
        }

        if (third != null)
        {
            FreeItem(third);
        }
    }

    /// <summary>Returns an unlinked or never-linked item's memory. The caller may hold a partition lock (lock order allows it).</summary>
    private void FreeItem(ItemHeader* item)
    {
        int classId = item->SlabClass;
        if (classId == SlabClassTable.LargeClassId)
        {
            long bytes;
            using (_large.Lock.EnterScope())
            {
                bytes = _large.Free(item);
            }

            _pages.Release(bytes);
            return;
        }

        SlabClass cls = _classes[classId];
        using (cls.Lock.EnterScope())
        {
            cls.Free(item);
        }
    }
}

namespace Trove.Storage;

/// <summary>Chunks (or large items) in the order a CLOCK hand visits them. Members require the owner's lock.</summary>
internal unsafe interface IClockRing
{
    /// <summary>Bytes readable from the start of an entry (to bound a racy key read).</summary>
    int ChunkSize { get; }
    uint TailTime { get; set; }
    ref EvictionCounters Counters { get; }

    /// <summary>The entry under the hand, advancing it; null when there is none.</summary>
    ItemHeader* AdvanceHand();
}

/// <summary>
/// CLOCK eviction. Each item has a small access count (raised by reads, up to 3); the hand lowers it as it passes
/// and takes items whose count is zero. Dead (expired or flushed) items are always taken, and a cold live item is
/// only taken after a short look-ahead for a dead one, so expired memory is reused before live items are evicted.
/// </summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Entries the hand examines before it stops sparing recently used items.</summary>
    private const int SweepBudget = 1024;
    /// <summary>Entries the hand looks past a cold live item for a dead one.</summary>
    private const int DeadLookahead = 8;

    private enum SweepVerdict : byte
    {
        Skip,
        Dead,
        Cold,
    }

    /// <summary>Which items <see cref="TryUnlinkVictim"/> may take, checked again under the partition lock.</summary>
    private enum VictimRule : byte
    {
        /// <summary>Any linked item.</summary>
        Any,
        /// <summary>A dead item, or a live one not read since it was chosen.</summary>
        Cold,
        /// <summary>Only a dead (expired or flushed) item: eviction is disabled.</summary>
        Dead,
    }

    /// <summary>What a victim looked like when it was unlinked (read under its partition lock).</summary>
    private readonly record struct Victim(bool Dead, bool Fetched, bool Active, uint Time, uint ExpiresAt);

    /// <summary>
    /// Evicts for reuse within a class: the victim's chunk comes back unlinked and in flight. With eviction disabled
    /// only a dead item is taken. Caller holds the class lock.
    /// </summary>
    private ItemHeader* EvictForReuse(SlabClass cls, uint now)
    {
        ItemHeader* item = _evictionDisabled ? TakeDead(cls, now) : TakeVictim(cls, now, force: false);
        if (item != null)
        {
            item->Flags = ItemFlags.None;
            item->Clock = 0;
        }

        return item;
    }

    /// <summary>Evicts and frees one large item (only a dead one when eviction is disabled). Caller holds the arena lock.</summary>
    private bool EvictLargeOne(uint now, bool force)
    {
        ItemHeader* item = _evictionDisabled ? TakeDead(_large, now) : TakeVictim(_large, now, force);
        if (item == null)
        {
            return false;
        }

        _pages.Release(_large.Free(item));
        return true;
    }

    /// <summary>
    /// Eviction disabled (memcached -M): runs the hand over at most <see cref="SweepBudget"/> entries for an expired
    /// or flushed item and unlinks it; live items are passed untouched (their counts are not lowered, since no
    /// live item is ever chosen). Null when none was found; the next call goes on where this one stopped, and the
    /// crawler frees dead items the hand has not reached. Caller holds the ring owner's lock.
    /// </summary>
    private ItemHeader* TakeDead<TRing>(TRing ring, uint now)
        where TRing : class, IClockRing
    {
        for (int step = 0; step < SweepBudget; step++)
        {
            ItemHeader* item = ring.AdvanceHand();
            if (item == null)
            {
                return null;
            }

            if ((item->Flags & ItemFlags.Linked) != 0 && IsDead(item, now) && TryTake(ring, item, now, VictimRule.Dead))
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs the hand until a victim is unlinked. After <see cref="SweepBudget"/> entries it settles for the first
    /// item whose count it used up, then for any item. Caller holds the ring owner's lock.
    /// </summary>
    private ItemHeader* TakeVictim<TRing>(TRing ring, uint now, bool force)
        where TRing : class, IClockRing
    {
        ItemHeader* cold = null;
        int coldStep = 0;
        ItemHeader* fallback = null;
        for (int step = 0; step < 2 * SweepBudget; step++)
        {
            bool forced = force || step >= SweepBudget;
            if (cold != null && (forced || step - coldStep > DeadLookahead))
            {
                if (TryTake(ring, cold, now, forced ? VictimRule.Any : VictimRule.Cold))
                {
                    return cold;
                }

                cold = null;
            }

            if (step == SweepBudget && fallback != null)
            {
                ItemHeader* spared = fallback;
                fallback = null;
                if (TryTake(ring, spared, now, VictimRule.Any))
                {
                    return spared;
                }
            }

            ItemHeader* item = ring.AdvanceHand();
            if (item == null)
            {
                break;
            }

            switch (Classify(item, now, forced, ref fallback))
            {
                case SweepVerdict.Dead:
                    if (TryTake(ring, item, now, VictimRule.Any))
                    {
                        return item;
                    }

                    break;
                case SweepVerdict.Cold when forced:
                    if (TryTake(ring, item, now, VictimRule.Any))
                    {
                        return item;
                    }

                    break;
                case SweepVerdict.Cold when cold == null:
                    cold = item;
                    coldStep = step;
                    break;
            }
        }

        if (cold != null && TryTake(ring, cold, now, VictimRule.Any))
        {
            return cold;
        }

        return fallback != null && TryTake(ring, fallback, now, VictimRule.Any) ? fallback : null;
    }

    /// <summary>
    /// Racy look at an entry under the hand (its partition lock is not held). A recently used live item loses one
    /// unit of its count (and its active mark) instead; the first one brought to zero becomes the fallback.
    /// </summary>
    private SweepVerdict Classify(ItemHeader* item, uint now, bool forced, ref ItemHeader* fallback)
    {
        if ((item->Flags & ItemFlags.Linked) == 0)
        {
            return SweepVerdict.Skip;
        }

        if (IsDead(item, now))
        {
            return SweepVerdict.Dead;
        }

        byte clock = item->Clock;
        if (forced || (clock & ItemHeader.ClockCountMask) == 0)
        {
            return SweepVerdict.Cold;
        }

        byte lowered = (byte)((clock - 1) & ItemHeader.ClockCountMask);
        item->Clock = lowered;
        if (lowered == 0 && fallback == null)
        {
            fallback = item;
        }

        return SweepVerdict.Skip;
    }

    private bool TryTake<TRing>(TRing ring, ItemHeader* item, uint now, VictimRule rule)
        where TRing : class, IClockRing
    {
        if ((item->Flags & ItemFlags.Linked) == 0 || !TryUnlinkVictim(item, ring.ChunkSize, now, rule, out Victim victim))
        {
            return false;
        }

        uint tail = ring.TailTime;
        CountVictim(ref ring.Counters, ref tail, victim, now);
        ring.TailTime = tail;
        return true;
    }

    /// <summary>
    /// Unlinks a victim found by scanning memory. Its key is read without the partition lock, so the partition is
    /// only tried (never waited for) and the item is re-validated by address in the table under that lock.
    /// <paramref name="rule"/> says which items may go (<see cref="VictimRule.Dead"/>: never a live one).
    /// The caller holds the class or arena lock, so the chunk cannot be freed or reused meanwhile.
    /// </summary>
    private bool TryUnlinkVictim(ItemHeader* item, int chunkSize, uint now, VictimRule rule, out Victim victim)
    {
        victim = default;
        if (!ItemHeader.TryReadKeyUnlocked(item, chunkSize, out ReadOnlySpan<byte> key))
        {
            return false;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        if (part.Lock.IsHeldByCurrentThread || !part.Lock.TryEnter())
        {
            return false;
        }

        try
        {
            int slot = part.Table.FindSlotOf(item, hash);
            if (slot < 0)
            {
                return false;
            }

            bool dead = IsDead(item, now);
            byte clock = item->Clock;
            if (!dead && (rule == VictimRule.Dead || (rule == VictimRule.Cold && (clock & ItemHeader.ClockCountMask) != 0)))
            {
                return false;
            }

            victim = new Victim(dead, (item->Flags & ItemFlags.Fetched) != 0, clock != 0, item->Time, item->ExpiresAt);
            Unlink(part, slot, item);
            return true;
        }
        finally
        {
            part.Lock.Exit();
        }
    }

    /// <summary>memcached's lru_pull_tail accounting for a reclaimed (dead) or evicted item.</summary>
    private static void CountVictim(ref EvictionCounters counters, ref uint tailTime, in Victim victim, uint now)
    {
        if (victim.Dead)
        {
            counters.Reclaimed++;
            if (!victim.Fetched)
            {
                counters.ExpiredUnfetched++;
            }

            return;
        }

        counters.Evicted++;
        counters.EvictedTime = now - victim.Time;
        if (victim.ExpiresAt != 0)
        {
            counters.EvictedNonzero++;
        }

        if (!victim.Fetched)
        {
            counters.EvictedUnfetched++;
        }

        if (victim.Active)
        {
            counters.EvictedActive++;
        }

        tailTime = victim.Time;
    }
}

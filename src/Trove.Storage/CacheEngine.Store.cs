using System.Buffers;
using System.Runtime.CompilerServices;

namespace Trove.Storage;

/// <summary>set/add/replace/cas and meta set (memcached do_store_item).</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>memcached's outcome of comparing a request CAS with the stored item's.</summary>
    private enum CasCheck : byte
    {
        /// <summary>No CAS given (memcached treats a CAS of 0 as none).</summary>
        None,
        Match,
        /// <summary>Meta I: the request CAS is older than the item's; store anyway, marked stale.</summary>
        Stale,
        BadValue,
    }

    /// <summary>Stores <paramref name="value"/> (exactly the data bytes) under <paramref name="key"/> according to <paramref name="request"/>.</summary>
    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public StoreResult Store(ReadOnlySpan<byte> key, in ReadOnlySequence<byte> value, in StoreRequest request)
    {
        if (key.Length > _maxKeyLength)
        {
            return new StoreResult(StoreStatus.TooLarge, 0);
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        uint now = Now;
        if (!ItemFits(key.Length, value.Length, request.Flags))
        {
            // memcached: a failed set must not leave the old value behind.
            if (request.Mode == StoreMode.Set)
            {
                RemoveQuietly(part, key, hash, now);
            }

            return new StoreResult(StoreStatus.TooLarge, 0);
        }

        if (request.Mode is StoreMode.Append or StoreMode.Prepend)
        {
            return Concatenate(part, key, hash, now, value, request);
        }

        int valueLength = (int)value.Length;
        ItemHeader* item = AllocateItemOrDemote(ItemSize(key.Length, valueLength), now);
        if (item == null)
        {
            // memcached unlinks the old value of a set it could not allocate for, even with -M. With eviction
            // disabled (store mode) Trove keeps it instead: the refusal is about memory, not about the key, and
            // a node that promises to keep what it acknowledged must not lose a value because a newer one did
            // not fit.
            if (request.Mode == StoreMode.Set && !_evictionDisabled)
            {
                RemoveQuietly(part, key, hash, now);
            }

            return new StoreResult(StoreStatus.OutOfMemory, 0);
        }

        WriteHeader(item, key, request.Flags, request.ExpiresAt, valueLength);
        WriteValue(item, 0, value);
        if (request.BinaryKey)
        {
            item->Flags |= ItemFlags.BinaryKey;
        }

        StoreStatus status;
        ulong cas = 0;
        ItemHeader* dead;
        ItemHeader* replaced = null;
        part.Lock.Enter();
        try
        {
            ItemHeader* old = FindLive(part, key, hash, now, countStats: true, out int slot, out dead);
            part.Tally(item->SlabClass, ClassTally.CmdSet)++;
            status = Decide(part, item, old, now, request);
            if (status == StoreStatus.Stored)
            {
                cas = Link(part, item, hash, now, request.NewCas, slot, old);
                replaced = old;
                if (ChangeObserver is { } observer)
                {
                    NotifyChanged(observer, part, item, now);
                }
                else
                {
                    SetLocation(item, request.RecordLocation);
                }
            }
        }
        finally
        {
            part.Lock.Exit();
        }

        FreeEach(dead, replaced);

        if (status != StoreStatus.Stored)
        {
            FreeItem(item);
        }

        return new StoreResult(status, cas);
    }

    /// <summary>The store decision for set/add/replace/cas given the live old item (or null). Caller holds the lock.</summary>
    private StoreStatus Decide(Partition part, ItemHeader* item, ItemHeader* old, uint now, in StoreRequest request)
    {
        StoreMode mode = request.Mode;
        if (request.HasCompareCas && mode is StoreMode.Set or StoreMode.Replace)
        {
            // Meta set upgrades set and replace with a CAS to a cas command.
            mode = StoreMode.Cas;
        }

        if (old == null)
        {
            switch (mode)
            {
                case StoreMode.Set:
                case StoreMode.Add:
                    return StoreStatus.Stored;
                case StoreMode.Cas:
                    part.Counters.CasMisses++;
                    return StoreStatus.NotFound;
                default:
                    return StoreStatus.NotStored;
            }
        }

        switch (mode)
        {
            case StoreMode.Add:
                // add on an existing item refreshes it (memcached do_item_update) but does not store.
                RefreshTime(old, now);
                return StoreStatus.NotStored;
            case StoreMode.Cas:
                switch (CheckCas(request, old))
                {
                    case CasCheck.Match:
                        part.Tally(old->SlabClass, ClassTally.CasHits)++;
                        return StoreStatus.Stored;
                    case CasCheck.Stale:
                        // Keep the old TTL and token state; the new value is marked stale.
                        item->ExpiresAt = old->ExpiresAt;
                        item->Flags |= ItemFlags.Stale | (old->Flags & ItemFlags.TokenSent);
                        part.Tally(old->SlabClass, ClassTally.CasHits)++;
                        return StoreStatus.Stored;
                    default:
                        part.Tally(old->SlabClass, ClassTally.CasBadval)++;
                        return StoreStatus.Exists;
                }

            default:
                return StoreStatus.Stored;
        }
    }

    private static CasCheck CheckCas(in StoreRequest request, ItemHeader* old)
    {
        ulong compare = request.HasCompareCas ? request.CompareCas : 0;
        if (compare == 0)
        {
            return CasCheck.None;
        }

        if (compare == old->Cas)
        {
            return CasCheck.Match;
        }

        return request.Invalidate && compare < old->Cas ? CasCheck.Stale : CasCheck.BadValue;
    }

    /// <summary>
    /// append/prepend: the new item holds both values, keeps the old flags and exptime and gets a new CAS.
    /// Its memory is allocated without the lock, so the old item is re-validated (same address and CAS) before linking.
    /// </summary>
    private StoreResult Concatenate(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, in ReadOnlySequence<byte> value, in StoreRequest request)
    {
        int addedLength = (int)value.Length;
        bool counted = false;
        for (int attempt = 0; attempt < MaxRevalidations; attempt++)
        {
            // The old value is copied under the lock below: it must be in memory.
            if (!EnsureInMemory(part, key, hash, now, out _))
            {
                return new StoreResult(StoreStatus.NotStored, 0);
            }

            ItemHeader* dead;
            ItemHeader* old;
            uint oldFlags;
            int oldLength;
            ulong oldCas;
            part.Lock.Enter();
            try
            {
                old = FindLive(part, key, hash, now, countStats: true, out _, out dead);
                if (!counted)
                {
                    part.Tally(_classTable.ClassFor(ItemSize(key.Length, addedLength)), ClassTally.CmdSet)++;
                    counted = true;
                }

                if (old != null)
                {
                    oldFlags = old->ClientFlags;
                    oldLength = old->ValueLength;
                    oldCas = old->Cas;
                }
                else
                {
                    oldFlags = 0;
                    oldLength = 0;
                    oldCas = 0;
                }
            }
            finally
            {
                part.Lock.Exit();
            }

            if (dead != null)
            {
                FreeItem(dead);
            }

            if (old == null)
            {
                return request.VivifyOnMiss ? Store(key, value, VivifyRequest(request)) : new StoreResult(StoreStatus.NotStored, 0);
            }

            ulong compare = request.HasCompareCas ? request.CompareCas : 0;
            if (compare != 0 && compare != oldCas)
            {
                return new StoreResult(StoreStatus.Exists, 0);
            }

            long combined = (long)oldLength + addedLength;
            if (!ItemFits(key.Length, combined, oldFlags))
            {
                return new StoreResult(StoreStatus.NotStored, 0);
            }

            ItemHeader* item = AllocateItemOrDemote(ItemSize(key.Length, (int)combined), now);
            if (item == null)
            {
                return new StoreResult(StoreStatus.NotStored, 0);
            }

            WriteHeader(item, key, oldFlags, 0, (int)combined);
            WriteValue(item, request.Mode == StoreMode.Append ? oldLength : 0, value);
            if (TryLinkConcatenated(part, key, hash, now, item, old, oldCas, request, out ulong cas, out ItemHeader* replaced))
            {
                FreeItem(replaced);
                return new StoreResult(StoreStatus.Stored, cas);
            }

            FreeItem(item);
        }

        return new StoreResult(StoreStatus.NotStored, 0);
    }

    private bool TryLinkConcatenated(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, ItemHeader* item, ItemHeader* expected, ulong expectedCas, in StoreRequest request, out ulong cas, out ItemHeader* replaced)
    {
        cas = 0;
        replaced = null;
        ItemHeader* dead = null;
        part.Lock.Enter();
        try
        {
            ItemHeader* current = FindLive(part, key, hash, now, countStats: false, out int slot, out dead);
            if (current != expected || current->Cas != expectedCas || IsStub(current))
            {
                return false;
            }

            int oldLength = current->ValueLength;
            int offset = request.Mode == StoreMode.Append ? 0 : item->ValueLength - oldLength;
            ItemHeader.Value(current).CopyTo(ItemHeader.Value(item).Slice(offset, oldLength));
            item->ExpiresAt = current->ExpiresAt;
            cas = Link(part, item, hash, now, request.NewCas, slot, current);
            replaced = current;
            if (ChangeObserver is { } observer)
            {
                NotifyChanged(observer, part, item, now);
            }

            return true;
        }
        finally
        {
            part.Lock.Exit();
            if (dead != null)
            {
                FreeItem(dead);
            }
        }
    }

    private static StoreRequest VivifyRequest(in StoreRequest request)
    {
        StoreRequest vivify = request;
        vivify.Mode = StoreMode.Add;
        vivify.ExpiresAt = request.VivifyExpiresAt;
        vivify.VivifyOnMiss = false;
        vivify.HasCompareCas = false;
        return vivify;
    }

    /// <summary>Unlinks whatever the key holds without counting a delete (after a failed set, like memcached).</summary>
    /// <remarks>Not reported to the <see cref="ChangeObserver"/>: the set failed; a replicating caller treats a failed set as a delete.</remarks>
    private void RemoveQuietly(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now)
    {
        ItemHeader* dead;
        ItemHeader* item;
        part.Lock.Enter();
        try
        {
            item = FindLive(part, key, hash, now, countStats: true, out int slot, out dead);
            if (item != null)
            {
                Unlink(part, slot, item);
                // The old value is gone because of the refused set: replicas must forget it too.
                ChangeObserver?.OnItemDeleted(part.Index, key);
            }
        }
        finally
        {
            part.Lock.Exit();
        }

        FreeEach(dead, item);
    }
}

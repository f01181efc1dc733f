namespace Trove.Storage;

/// <summary>delete, meta delete (invalidate, remove value) and touch.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Removes an item, or with meta flags marks it stale or empties its value.</summary>
    public DeleteStatus Delete(ReadOnlySpan<byte> key, in DeleteRequest request)
    {
        if (key.Length > _maxKeyLength)
        {
            return DeleteStatus.NotFound;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        uint now = Now;
        for (int attempt = 0; attempt < MaxRevalidations; attempt++)
        {
            // Invalidation rewrites the item's record, which must carry its value: bring a value on disk back first.
            if (request.Invalidate && !EnsureInMemory(part, key, hash, now, out _))
            {
                return DeleteStatus.NotFound;
            }

            DeleteStatus? done = TryDelete(part, key, hash, now, request);
            if (done is { } status)
            {
                return status;
            }
        }

        return DeleteStatus.NotFound;
    }

    /// <summary>One locked attempt of <see cref="Delete"/>; null when an invalidation met a value on disk (try again).</summary>
    private DeleteStatus? TryDelete(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, in DeleteRequest request)
    {
        ItemHeader* dead;
        ItemHeader* removed = null;
        DeleteStatus? status;
        ulong expectedCas = 0;
        ItemHeader* expected = null;
        part.Lock.Enter();
        try
        {
            ItemHeader* item = FindLive(part, key, hash, now, countStats: true, out int slot, out dead);
            if (item == null)
            {
                if (!request.Uncounted)
                {
                    part.Counters.DeleteMisses++;
                }
                status = DeleteStatus.NotFound;
            }
            else if (request.HasCompareCas && request.CompareCas != item->Cas)
            {
                part.Counters.DeleteMisses++;
                status = DeleteStatus.Exists;
            }
            else if (request.Invalidate && IsStub(item))
            {
                status = null;
            }
            else if (request.Invalidate)
            {
                // memcached md I: keep the item, mark it stale, let the next client win, bump the CAS.
                if (request.Touch)
                {
                    item->ExpiresAt = request.NewExpiresAt;
                }

                item->Flags = (item->Flags | ItemFlags.Stale) & ~ItemFlags.TokenSent;
                item->Cas = request.NewCas != 0 ? request.NewCas : _cas.Next();
                status = DeleteStatus.Deleted;
                if (ChangeObserver is { } observer)
                {
                    NotifyChanged(observer, part, item, now);
                }
            }
            else if (request.RemoveValueOnly)
            {
                expected = item;
                expectedCas = item->Cas;
                status = DeleteStatus.Deleted;
            }
            else
            {
                if (!request.Uncounted)
                {
                    part.Tally(item->SlabClass, ClassTally.DeleteHits)++;
                }
                Unlink(part, slot, item);
                removed = item;
                status = DeleteStatus.Deleted;
                // An uncounted delete is the tail of a refused set (see DeleteRequest.Uncounted), which reports nothing.
                if (!request.Uncounted && ChangeObserver is { } observer)
                {
                    observer.OnItemDeleted(part.Index, key);
                }
            }
        }
        finally
        {
            part.Lock.Exit();
        }

        FreeEach(dead, removed);

        return expected == null ? status : RemoveValue(part, key, hash, now, expected, expectedCas, request.NewCas);
    }

    /// <summary>
    /// Marks a just restored item stale (meta invalidation) keeping its CAS and expiry: a replayed or replicated item
    /// whose state carried the stale bit. Reported to the change observer like any invalidation (replay runs before
    /// one is installed; a replica applies replication with its own replication suppressed).
    /// </summary>
    public void RestoreStale(ReadOnlySpan<byte> key, ulong cas) =>
        Delete(key, new DeleteRequest { Invalidate = true, NewCas = cas, Uncounted = true });

    /// <summary>touch: sets a new expiry on a live item (counts as a fetch, keeps the CAS).</summary>
    public TouchStatus Touch(ReadOnlySpan<byte> key, uint newExpiresAt)
    {
        if (key.Length > _maxKeyLength)
        {
            return TouchStatus.NotFound;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        uint now = Now;
        for (int attempt = 0; attempt < MaxRevalidations; attempt++)
        {
            // The touch's record must carry the value: bring a value on disk back first.
            if (!EnsureInMemory(part, key, hash, now, out _))
            {
                return TouchStatus.NotFound;
            }

            TouchStatus? done = TryTouch(part, key, hash, now, newExpiresAt);
            if (done is { } status)
            {
                return status;
            }
        }

        return TouchStatus.NotFound;
    }

    /// <summary>One locked attempt of <see cref="Touch"/>; null when the item was a stub again (try again).</summary>
    private TouchStatus? TryTouch(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, uint newExpiresAt)
    {
        ItemHeader* dead;
        TouchStatus? status;
        part.Lock.Enter();
        try
        {
            ItemHeader* item = FindLive(part, key, hash, now, countStats: true, out _, out dead);
            if (item != null && IsStub(item))
            {
                status = null;
            }
            else if (item == null)
            {
                part.Counters.TouchMisses++;
                status = TouchStatus.NotFound;
            }
            else
            {
                Bump(item, now);
                item->ExpiresAt = newExpiresAt;
                part.Tally(item->SlabClass, ClassTally.TouchHits)++;
                status = TouchStatus.Touched;
                if (ChangeObserver is { } observer)
                {
                    NotifyChanged(observer, part, item, now);
                }
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

        return status;
    }

    /// <summary>
    /// Meta delete x: replaces the item with one that has the same key and exptime, no value, no client flags and a new CAS.
    /// The replacement is allocated without the lock; if the item changed meanwhile, the newer item is left alone.
    /// </summary>
    private DeleteStatus RemoveValue(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, ItemHeader* expected, ulong expectedCas, ulong newCas)
    {
        ItemHeader* empty = AllocateItemOrDemote(ItemSize(key.Length, 0), now);
        if (empty == null)
        {
            return DeleteStatus.NotFound;
        }

        WriteHeader(empty, key, 0, 0, 0);
        ItemHeader* dead;
        ItemHeader* replaced = null;
        part.Lock.Enter();
        try
        {
            ItemHeader* current = FindLive(part, key, hash, now, countStats: false, out int slot, out dead);
            if (current == expected && current->Cas == expectedCas)
            {
                empty->ExpiresAt = current->ExpiresAt;
                part.Tally(current->SlabClass, ClassTally.DeleteHits)++;
                Link(part, empty, hash, now, newCas, slot, current);
                if (ChangeObserver is { } observer)
                {
                    NotifyChanged(observer, part, empty, now);
                }

                replaced = current;
                empty = null;
            }
        }
        finally
        {
            part.Lock.Exit();
        }

        FreeEach(dead, replaced, empty);

        return DeleteStatus.Deleted;
    }
}

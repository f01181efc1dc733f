namespace Trove.Storage;

/// <summary>get/gets/gat/gats and meta get.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>
    /// Looks an item up and, on a hit, hands it to <paramref name="reader"/> while the partition lock is held.
    /// Applies touch (gat, meta T), win tokens (meta N, R, stale items) and the LRU bump like memcached.
    /// </summary>
    public GetStatus Get<TReader>(ReadOnlySpan<byte> key, in GetRequest request, ref TReader reader)
        where TReader : IItemReader, allows ref struct
    {
        if (key.Length > _maxKeyLength)
        {
            return GetStatus.Miss;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        uint now = Now;
        GetStatus status;
        bool needSpare;
        int attempt = 0;
        while (true)
        {
            status = TryGet(part, key, hash, now, request, ref reader, isRetry: false, spare: null, out needSpare, out bool needValue);
            if (!needValue)
            {
                break;
            }

            // A touch of a value on disk: bring it back first (the touch's record must carry the value).
            if (++attempt >= MaxRevalidations || !EnsureInMemory(part, key, hash, now, out _))
            {
                return GetStatus.ValueUnavailable;
            }
        }

        if (!needSpare)
        {
            return status;
        }

        // Vivify on miss: allocate the empty item without holding the partition lock, then look again.
        ItemHeader* spare = AllocateItemOrDemote(ItemSize(key.Length, 0), now);
        if (spare != null)
        {
            WriteHeader(spare, key, 0, 0, 0);
        }

        return TryGet(part, key, hash, now, request, ref reader, isRetry: true, spare, out _, out _);
    }

    /// <summary>
    /// One locked attempt. A vivifying miss on the first attempt asks for a spare item through
    /// <paramref name="needSpare"/>; on the retry the spare is linked (or freed if the key appeared meanwhile),
    /// and a null spare means the allocation failed, so the miss stands.
    /// </summary>
    private GetStatus TryGet<TReader>(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, in GetRequest request, ref TReader reader, bool isRetry, ItemHeader* spare, out bool needSpare, out bool needValue)
        where TReader : IItemReader, allows ref struct
    {
        bool count = !request.NoBump;
        needSpare = false;
        needValue = false;
        ItemHeader* dead;
        ItemHeader* stub = null;
        ulong stubCas = 0;
        byte[]? rented = null;
        ReadOnlySpan<byte> diskValue = default;
        GetStatus status;
        part.Lock.Enter();
        try
        {
            ItemHeader* item = FindLive(part, key, hash, now, count, out _, out dead);
            bool created = false;
            if (item == null)
            {
                if (request.Vivify && !isRetry)
                {
                    needSpare = true;
                    status = GetStatus.Miss;
                }
                else if (spare != null)
                {
                    spare->ExpiresAt = request.VivifyExpiresAt;
                    Link(part, spare, hash, now, 0, -1, null);
                    item = spare;
                    spare = null;
                    created = true;
                    status = GetStatus.Vivified;
                }
                else
                {
                    if (count)
                    {
                        if (request.Touch && !request.MetaGet)
                        {
                            part.Counters.TouchMisses++;
                        }
                        else
                        {
                            part.Counters.GetMisses++;
                        }
                    }

                    status = GetStatus.Miss;
                }
            }
            else if (IsStub(item) && request.Touch)
            {
                needValue = true;
                item = null;
                status = GetStatus.Miss;
            }
            else if (IsStub(item) && !request.NoValue && !TryReadStub(item, out rented, out diskValue))
            {
                item = null;
                status = GetStatus.ValueUnavailable;
            }
            else
            {
                status = GetStatus.Hit;
                // A value read from disk comes back into memory from its second read on (one read does not make
                // it hot; memcached's extstore likewise leaves items on disk until they are hit again).
                if (IsStub(item) && !request.NoValue && !request.NoBump && (item->Flags & ItemFlags.Fetched) != 0)
                {
                    stub = item;
                    stubCas = item->Cas;
                }
            }

            if (item != null)
            {
                Serve(part, item, now, created, request, ref reader, diskValue);
            }
        }
        finally
        {
            part.Lock.Exit();
        }

        FreeEach(dead, spare);
        if (stub != null)
        {
            PromoteIfRoom(part, key, hash, now, stub, stubCas, diskValue);
        }

        ReturnRented(rented);
        return status;
    }

    /// <summary>
    /// After a stub was read: brings its value back into memory if there is room without demoting anything (the hot
    /// ones cached). No lock held.
    /// </summary>
    private void PromoteIfRoom(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, ItemHeader* stub, ulong cas, ReadOnlySpan<byte> value)
    {
        if (FreeBytes() < LowWatermark)
        {
            return;
        }

        ItemHeader* full = AllocateItem(ItemSize(key.Length, value.Length), now);
        if (full == null)
        {
            return;
        }

        WriteHeader(full, key, 0, 0, value.Length);
        TryPromote(part, key, hash, full, stub, cas, value, hot: false);
    }

    /// <summary>Applies the request to a live item and shows it to the reader. Caller holds the partition lock.</summary>
    /// <remarks><paramref name="diskValue"/> is the value of a stub, read by the caller (empty otherwise).</remarks>
    private void Serve<TReader>(Partition part, ItemHeader* item, uint now, bool created, in GetRequest request, ref TReader reader, ReadOnlySpan<byte> diskValue)
        where TReader : IItemReader, allows ref struct
    {
        ItemFlags flags = item->Flags;
        int ttlBeforeTouch = TtlOf(item, now);
        uint expiresBeforeTouch = item->ExpiresAt;
        if (request.Touch && !created)
        {
            item->ExpiresAt = request.NewExpiresAt;
        }

        // Win tokens, in memcached's order: R may win, a token already out shows Z, a stale item wins if none is out.
        bool tokenSent = (flags & ItemFlags.TokenSent) != 0;
        bool stale = (flags & ItemFlags.Stale) != 0;
        bool won = created;
        uint recacheCompared = request.RecacheBeforeTouch ? expiresBeforeTouch : item->ExpiresAt;
        if (request.HasRecache && !created && !tokenSent && recacheCompared != 0
            && recacheCompared < ExpiryAt(request.RecacheThreshold, now))
        {
            won = true;
        }

        if (stale && !tokenSent)
        {
            won = true;
        }

        if (won)
        {
            item->Flags |= ItemFlags.TokenSent;
        }

        var view = new ItemView
        {
            Key = ItemHeader.Key(item),
            Value = IsStub(item) ? diskValue : ItemHeader.Value(item),
            Flags = item->ClientFlags,
            Cas = item->Cas,
            TtlRemaining = TtlOf(item, now),
            TtlRemainingBeforeTouch = ttlBeforeTouch,
            SecondsSinceLastAccess = now - item->Time,
            FetchedBefore = (flags & ItemFlags.Fetched) != 0,
            Win = won,
            Stale = stale,
            WinTokenSent = tokenSent,
            Vivified = created,
            BinaryKey = (flags & ItemFlags.BinaryKey) != 0,
        };
        reader.Read(in view);
        if (ChangeObserver is { } observer && (request.Touch || created))
        {
            // A touch or a vivify changed the item; a plain read did not.
            NotifyChanged(observer, part, item, now);
        }

        if (request.NoBump)
        {
            return;
        }

        if (!request.NoLruBump)
        {
            Bump(item, now);
        }

        if (request.Touch)
        {
            part.Tally(item->SlabClass, ClassTally.TouchHits)++;
        }
        else
        {
            part.Tally(item->SlabClass, ClassTally.GetHits)++;
        }
    }
}

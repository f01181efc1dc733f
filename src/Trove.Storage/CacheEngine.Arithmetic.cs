namespace Trove.Storage;

/// <summary>incr/decr and meta arithmetic (memcached do_add_delta).</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>memcached chunks items larger than this (slab_chunk_size_max) and refuses to incr/decr them.</summary>
    private const long MemcachedChunkedItemSize = 512 * 1024;
    /// <summary><see cref="TryArithmetic"/>'s neededLength when the item was a stub (its value on disk): bring it back and try again.</summary>
    private const int NeedsValue = -2;

    /// <summary>
    /// Adds to or subtracts from a decimal value: incr wraps at 2^64, decr stops at 0. A result no longer than the
    /// stored text is written in place, padded with spaces (memcached); a longer one makes a new item with the
    /// same flags and exptime. Either way the CAS changes.
    /// </summary>
    public ArithmeticResult Arithmetic(ReadOnlySpan<byte> key, in ArithmeticRequest request)
    {
        if (key.Length > _maxKeyLength)
        {
            return new ArithmeticResult(ArithmeticStatus.NotFound, 0, 0, 0);
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        uint now = Now;
        bool counted = false;
        ItemHeader* spare = null;
        for (int attempt = 0; attempt < MaxRevalidations; attempt++)
        {
            // The old number is read under the lock: a value on disk comes back into memory first.
            if (!EnsureInMemory(part, key, hash, now, out _))
            {
                if (spare != null)
                {
                    FreeItem(spare);
                }

                return new ArithmeticResult(ArithmeticStatus.OutOfMemory, 0, 0, 0);
            }

            ArithmeticResult result = TryArithmetic(part, key, hash, now, request, ref spare, ref counted, out int neededLength);
            if (neededLength == NeedsValue)
            {
                continue;
            }

            if (neededLength < 0)
            {
                if (spare != null)
                {
                    FreeItem(spare);
                }

                return result;
            }

            // The new item must be allocated without the lock: get it, then run the operation again.
            if (spare != null && spare->ValueLength != neededLength)
            {
                FreeItem(spare);
                spare = null;
            }

            if (spare == null)
            {
                spare = AllocateItemOrDemote(ItemSize(key.Length, neededLength), now);
                if (spare == null)
                {
                    return new ArithmeticResult(ArithmeticStatus.OutOfMemory, 0, 0, 0);
                }

                WriteHeader(spare, key, 0, 0, neededLength);
            }
        }

        if (spare != null)
        {
            FreeItem(spare);
        }

        return new ArithmeticResult(ArithmeticStatus.OutOfMemory, 0, 0, 0);
    }

    /// <summary>
    /// One locked attempt. Sets <paramref name="neededLength"/> to the value length of a new item it needs
    /// (and cannot allocate under the lock), or to -1 when the returned result is final. A spare of the right
    /// size is consumed.
    /// </summary>
    private ArithmeticResult TryArithmetic(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, in ArithmeticRequest request, ref ItemHeader* spare, ref bool counted, out int neededLength)
    {
        neededLength = -1;
        Span<byte> digits = stackalloc byte[NumericValue.MaxDigits];
        ItemHeader* dead = null;
        ItemHeader* replaced = null;
        ArithmeticResult result;
        part.Lock.Enter();
        try
        {
            ItemHeader* item = FindLive(part, key, hash, now, countStats: !counted, out int slot, out dead);
            if (item == null)
            {
                if (!request.Vivify)
                {
                    if (request.Increment)
                    {
                        part.Counters.IncrMisses++;
                    }
                    else
                    {
                        part.Counters.DecrMisses++;
                    }

                    return new ArithmeticResult(ArithmeticStatus.NotFound, 0, 0, 0);
                }

                int length = NumericValue.Format(request.InitialValue, digits);
                if (spare == null || spare->ValueLength != length)
                {
                    neededLength = length;
                    return default;
                }

                digits.Slice(0, length).CopyTo(ItemHeader.Value(spare));
                spare->ExpiresAt = request.VivifyExpiresAt;
                ulong newCas = Link(part, spare, hash, now, request.NewCas, -1, null);
                // No touch applies to a created item (see ArithmeticRequest.Vivify): its TTL is the same before and after.
                int ttl = TtlOf(spare, now);
                result = new ArithmeticResult(ArithmeticStatus.Vivified, request.InitialValue, newCas, ttl) { TtlRemainingBeforeTouch = ttl };
                if (ChangeObserver is { } vivifyObserver)
                {
                    NotifyChanged(vivifyObserver, part, spare, now);
                }

                spare = null;
                return result;
            }

            if (IsStub(item))
            {
                neededLength = NeedsValue;
                return default;
            }

            if (item->ValueLength == 0 || ItemHeader.MemcachedSize(item) > MemcachedChunkedItemSize)
            {
                return new ArithmeticResult(ArithmeticStatus.NonNumeric, 0, 0, 0);
            }

            if (request.HasCompareCas && request.CompareCas != 0 && request.CompareCas != item->Cas)
            {
                return new ArithmeticResult(ArithmeticStatus.Exists, 0, 0, 0);
            }

            if (!NumericValue.TryParse(ItemHeader.Value(item), out ulong value))
            {
                return new ArithmeticResult(ArithmeticStatus.NonNumeric, 0, 0, 0);
            }

            value = request.Increment ? unchecked(value + request.Delta) : (request.Delta > value ? 0 : value - request.Delta);
            if (!counted)
            {
                part.Tally(item->SlabClass, request.Increment ? ClassTally.IncrHits : ClassTally.DecrHits)++;
                counted = true;
            }

            int written = NumericValue.Format(value, digits);
            ulong cas;
            if (written <= item->ValueLength)
            {
                Span<byte> stored = ItemHeader.Value(item);
                digits.Slice(0, written).CopyTo(stored);
                stored.Slice(written).Fill((byte)' ');
                item->Cas = request.NewCas != 0 ? request.NewCas : _cas.Next();
                RefreshTime(item, now);
                cas = item->Cas;
            }
            else if (spare == null || spare->ValueLength != written)
            {
                neededLength = written;
                return default;
            }
            else
            {
                digits.Slice(0, written).CopyTo(ItemHeader.Value(spare));
                spare->ClientFlags = item->ClientFlags;
                spare->ExpiresAt = item->ExpiresAt;
                cas = Link(part, spare, hash, now, request.NewCas, slot, item);
                replaced = item;
                item = spare;
                spare = null;
            }

            int ttlBeforeTouch = TtlOf(item, now);
            if (request.Touch)
            {
                item->ExpiresAt = request.NewExpiresAt;
            }

            result = new ArithmeticResult(ArithmeticStatus.Ok, value, cas, TtlOf(item, now)) { TtlRemainingBeforeTouch = ttlBeforeTouch };
            if (ChangeObserver is { } observer)
            {
                NotifyChanged(observer, part, item, now);
            }
        }
        finally
        {
            part.Lock.Exit();
            FreeEach(dead, replaced);
        }

        return result;
    }
}

namespace Trove.Storage;

/// <summary>A partition's contents in 16 bytes: equal digests mean, with overwhelming likelihood, equal contents.</summary>
/// <param name="Count">Live items.</param>
/// <param name="Sum">Sum over the live items of a 64-bit hash of (key, CAS, client flags, expiry): order-free.</param>
public readonly record struct PartitionDigest(long Count, ulong Sum);

/// <summary>Partition digests, for a node that comes back to tell which of its partitions are unchanged.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>
    /// Digests a partition under one hold of its lock, and calls <paramref name="underLock"/> with the result before
    /// releasing it: whatever the callback does (queue the digest on an ordered stream) is ordered with every change to
    /// the partition, those before it included and those after it not. The CAS identifies a write (a replica or a
    /// replayed log keeps the primary's), so the value need not be read; the expiry is included so a touch counts.
    /// </summary>
    public PartitionDigest DigestPartition(int partition, Action<PartitionDigest>? underLock = null)
    {
        Partition part = PartitionAt(partition);
        using (part.Lock.EnterScope())
        {
            uint now = Now;
            long count = 0;
            ulong sum = 0;
            int capacity = part.Table.Capacity;
            for (int slot = 0; slot < capacity; slot++)
            {
                ItemHeader* item = part.Table.At(slot);
                if (item == null || IsDead(item, now))
                    continue;
                ulong hash = XxHash64.Hash(ItemHeader.Key(item), item->Cas);
                sum += hash ^ ((ulong)item->ClientFlags << 32 | item->ExpiresAt) * 0x9E3779B97F4A7C15UL;
                count++;
            }
            var digest = new PartitionDigest(count, sum);
            underLock?.Invoke(digest);
            return digest;
        }
    }
}

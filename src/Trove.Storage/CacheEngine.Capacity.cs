namespace Trove.Storage;

public sealed unsafe partial class CacheEngine
{
    /// <summary>
    /// Sizes every partition's hash index for <paramref name="items"/> items spread evenly over the partitions, as a
    /// bulk load (store mode's replay) expects: each index grows once instead of about fifteen times on the way, and
    /// each growth hashes every key again from its item. The capacities are those the load would reach anyway, so
    /// the index takes no more memory than without the call if the estimate is right; an estimate too high leaves
    /// empty slots (8 bytes each), one too low only the rebuilds it did not save. Never shrinks an index.
    /// </summary>
    /// <param name="items">Items expected in the whole engine; 0 or less does nothing.</param>
    public void ReserveItems(long items)
    {
        if (items <= 0)
        {
            return;
        }

        int perPartition = (int)Math.Min(ItemTable.MaxCapacity, (items + _partitions.Length - 1) / _partitions.Length);
        foreach (Partition part in _partitions)
        {
            part.Lock.Enter();
            try
            {
                part.Table.Reserve(perPartition);
            }
            finally
            {
                part.Lock.Exit();
            }
        }
    }
}

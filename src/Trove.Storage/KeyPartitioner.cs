namespace Trove.Storage;

/// <summary>
/// The stable key → partition function every Trove node uses (see docs/STORAGE.md):
/// the top log2(partitionCount) bits of XXH64(key, seed 0).
/// </summary>
public static class KeyPartitioner
{
    /// <summary>The partition of <paramref name="key"/> among <paramref name="partitionCount"/> (a power of two).</summary>
    public static int PartitionOf(ReadOnlySpan<byte> key, int partitionCount)
        => PartitionOfHash(XxHash64.Hash(key), int.Log2(partitionCount));

    /// <summary>The partition of a key whose XXH64 is <paramref name="hash"/>, with 2^<paramref name="partitionBits"/> partitions.</summary>
    public static int PartitionOfHash(ulong hash, int partitionBits)
        => partitionBits == 0 ? 0 : (int)(hash >> (64 - partitionBits));
}

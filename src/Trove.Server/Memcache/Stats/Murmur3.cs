using System.Buffers.Binary;
using System.Numerics;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// MurmurHash3 x86 32-bit with seed 0, memcached's default hash. Only used where memcached's output order depends
/// on it (the buckets of "stats detail dump"), so Trove lists prefixes in the same order.
/// </summary>
internal static class Murmur3
{
    public static uint Hash(ReadOnlySpan<byte> data)
    {
        const uint C1 = 0xcc9e2d51;
        const uint C2 = 0x1b873593;
        uint h1 = 0;
        int blocks = data.Length / 4;
        for (int i = 0; i < blocks; i++)
        {
            uint k1 = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4));
            k1 *= C1;
            k1 = BitOperations.RotateLeft(k1, 15);
            k1 *= C2;
            h1 ^= k1;
            h1 = BitOperations.RotateLeft(h1, 13);
            h1 = (h1 * 5) + 0xe6546b64;
        }

        ReadOnlySpan<byte> tail = data.Slice(blocks * 4);
        if (tail.Length > 0)
        {
            uint k1 = 0;
            for (int i = tail.Length - 1; i >= 0; i--)
            {
                k1 ^= (uint)tail[i] << (8 * i);
            }
            k1 *= C1;
            k1 = BitOperations.RotateLeft(k1, 15);
            k1 *= C2;
            h1 ^= k1;
        }

        h1 ^= (uint)data.Length;
        h1 ^= h1 >> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >> 16;
        return h1;
    }
}

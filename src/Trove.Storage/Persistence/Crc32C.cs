using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trove.Storage.Persistence;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the checksum of
/// iSCSI, ext4 and etcd's WAL. <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the SSE4.2 / ARMv8 instruction
/// where present and a software table otherwise, so no package is needed (System.IO.Hashing does not restore here).
/// </summary>
/// <remarks>Pinned by test vectors: "123456789" → 0xE3069283, 32 zero bytes → 0x8A9136AA.</remarks>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>
    /// Continues a running CRC register (not finalised): start from <c>~0u</c>, feed pieces in order, finish with
    /// <c>~register</c>. Used to checksum the type byte and the payload without copying them together.
    /// </summary>
    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            register = BitOperations.Crc32C(register, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            register = BitOperations.Crc32C(register, b);
        }

        return register;
    }
}

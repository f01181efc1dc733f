using System.Buffers;
using Trove.Protocol.Meta;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// Where a meta line's base64 key is decoded. An ordinary line fits the <see cref="MetaRequest.KeyBufferLength"/>
/// bytes the caller puts on the stack; a line long enough to carry a longer key (store mode's long keys) gets a
/// pooled array instead, so a 64 KiB key neither lands on the stack nor allocates per request.
/// </summary>
/// <example>
/// <code>
/// byte[]? rented = MetaKeyBuffer.RentFor(line, maxKeyLength);
/// Span&lt;byte&gt; keyBuffer = rented ?? stackalloc byte[MetaRequest.KeyBufferLength];
/// try { ... } finally { MetaKeyBuffer.Return(rented); }
/// </code>
/// </example>
internal static class MetaKeyBuffer
{
    /// <summary>A pooled buffer when a key decoded from <paramref name="line"/> may not fit the stack buffer, else null.</summary>
    public static byte[]? RentFor(ReadOnlySpan<byte> line, int maxKeyLength)
    {
        int needed = Math.Min(MetaRequest.KeyBufferLengthFor(maxKeyLength), MetaBase64.MaxDecodedLength(line.Length));
        return needed <= MetaRequest.KeyBufferLength ? null : ArrayPool<byte>.Shared.Rent(needed);
    }

    /// <summary>Returns what <see cref="RentFor"/> rented (nothing when it returned null).</summary>
    public static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

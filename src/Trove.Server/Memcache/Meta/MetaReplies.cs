using System.Buffers;
using Trove.Protocol.Meta;

namespace Trove.Server.Memcache.Meta;

/// <summary>Pre-encoded meta reply fragments and the helpers that put reply lines into the output.</summary>
internal static class MetaReplies
{
    public static ReadOnlySpan<byte> Hd => "HD"u8;
    public static ReadOnlySpan<byte> Va => "VA "u8;
    public static ReadOnlySpan<byte> En => "EN"u8;
    public static ReadOnlySpan<byte> Ns => "NS"u8;
    public static ReadOnlySpan<byte> Ex => "EX"u8;
    public static ReadOnlySpan<byte> Nf => "NF"u8;
    public static ReadOnlySpan<byte> Mn => "MN\r\n"u8;
    public static ReadOnlySpan<byte> LineEnd => "\r\n"u8;
    public static ReadOnlySpan<byte> BadDataChunk => "CLIENT_ERROR bad data chunk\r\n"u8;
    public static ReadOnlySpan<byte> TooLarge => "SERVER_ERROR object too large for cache\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemoryStoring => "SERVER_ERROR out of memory storing object\r\n"u8;
    public static ReadOnlySpan<byte> NonNumeric => "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemory => "SERVER_ERROR out of memory\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemoryVivifying => "SERVER_ERROR Out of memory allocating new item\r\n"u8;
    public static ReadOnlySpan<byte> OpaqueTooLong => "CLIENT_ERROR opaque token too long\r\n"u8;

    /// <summary>Starts a reply line directly in the output's buffer; finish it with <see cref="EndLine"/> before
    /// anything else is written to the output. <paramref name="keyLength"/> is the request's key length: a key longer
    /// than memcached's (store mode) may be echoed, base64 encoded, beyond <see cref="MetaLineWriter.MaxLineLength"/>.</summary>
    public static MetaLineWriter BeginLine(IBufferWriter<byte> output, int keyLength)
        => new(output.GetSpan(keyLength <= MetaRequest.MaxKeyLength
            ? MetaLineWriter.MaxLineLength
            : MetaLineWriter.MaxLineLength + MetaBase64.EncodedLength(keyLength)));

    public static void EndLine(IBufferWriter<byte> output, ref MetaLineWriter line)
    {
        line.AppendLineEnd();
        output.Advance(line.Length);
    }

    /// <summary>Echoes the O and k flags in request order (the only flags md, and every miss, return).</summary>
    public static void AppendOpaqueAndKey(ref MetaLineWriter line, scoped in MetaRequest request)
    {
        foreach (ReadOnlySpan<byte> token in new MetaTokens(request.FlagTokens))
        {
            if (token[0] == 'O')
            {
                line.AppendSpace();
                line.Append(token);
            }
            else if (token[0] == 'k')
            {
                line.AppendKey(request.Key, request.Has(MetaFlags.Base64Key));
            }
        }
    }

    /// <summary>Writes "HD", "NF", ... followed by the echoed O and k flags.</summary>
    public static void WriteStatusWithEcho(IBufferWriter<byte> output, ReadOnlySpan<byte> status, scoped in MetaRequest request)
    {
        MetaLineWriter line = BeginLine(output, request.Key.Length);
        line.Append(status);
        AppendOpaqueAndKey(ref line, request);
        EndLine(output, ref line);
    }

    /// <summary>The TTL an expiry set during this request shows: -1 for never, else seconds from now as memcached's
    /// unsigned 32-bit difference.</summary>
    public static long TtlAt(uint expiry, uint now) => expiry == 0 ? -1 : unchecked(expiry - now);

    /// <summary>Appends a TTL the way memcached prints it: -1 for never, otherwise as an unsigned 32-bit number
    /// (an expiry already in the past wraps around, as memcached's itoa_u32 of a negative difference does).</summary>
    public static void AppendTtl(ref MetaLineWriter line, long ttl)
    {
        if (ttl == -1)
        {
            line.Append("-1"u8);
        }
        else
        {
            line.AppendNumber((ulong)unchecked((uint)ttl));
        }
    }
}

using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// ma: increment or decrement a decimal value, optionally creating it on a miss (N with J as the initial value).
/// Like mg, memcached applies T and N while walking the flags in request order, which decides what t reports.
/// </summary>
internal static class MetaArithmetic
{
    public static void Execute(scoped in MetaRequest request, ServerContext context, IBufferWriter<byte> output)
    {
        CacheEngine engine = context.Engine;
        bool touch = request.Has(MetaFlags.Ttl);
        bool vivify = request.Has(MetaFlags.Vivify);
        uint touchExpiry = touch ? engine.ToExpiry(request.Ttl) : 0;
        uint vivifyExpiry = vivify ? engine.ToExpiry(request.VivifyTtl) : 0;
        var arithmetic = new ArithmeticRequest
        {
            Increment = request.Mode is not ((byte)'D' or (byte)'-'),
            Delta = request.Delta,
            // memcached's add_delta compares only a non-zero CAS.
            HasCompareCas = request.Has(MetaFlags.CompareCas) && request.CompareCas != 0,
            CompareCas = request.CompareCas,
            Vivify = vivify,
            InitialValue = request.Initial,
            // A created item starts without expiry; N and T then apply in request order, the later winning.
            VivifyExpiresAt = touch && MetaFlagOrder.Precedes(request.FlagTokens, (byte)'N', (byte)'T') ? touchExpiry : vivifyExpiry,
            Touch = touch,
            NewExpiresAt = touchExpiry,
        };
        uint now = engine.Now;
        ArithmeticResult result = engine.Arithmetic(request.Key, arithmetic);

        switch (result.Status)
        {
            case ArithmeticStatus.NonNumeric:
                output.Write(MetaReplies.NonNumeric);
                return;
            case ArithmeticStatus.OutOfMemory:
                // Out of memory with N is almost always the creation failing; memcached words the two apart.
                output.Write(vivify ? MetaReplies.OutOfMemoryVivifying : MetaReplies.OutOfMemory);
                return;
        }
        if (request.OpaqueTooLong)
        {
            // memcached checks the opaque only while building the reply, after the value has changed.
            output.Write(MetaReplies.OpaqueTooLong);
            return;
        }
        switch (result.Status)
        {
            case ArithmeticStatus.NotFound:
                MetaReplies.WriteStatusWithEcho(output, MetaReplies.Nf, request);
                return;
            case ArithmeticStatus.Exists:
                MetaReplies.WriteStatusWithEcho(output, MetaReplies.Ex, request);
                return;
            case ArithmeticStatus.Ok when request.Has(MetaFlags.Quiet):
                // Quiet hides a plain success; a created item is still reported, as memcached does.
                return;
        }
        WriteSuccess(request, result, now, touchExpiry, vivifyExpiry, output);
    }

    private static void WriteSuccess(scoped in MetaRequest request, in ArithmeticResult result, uint now, uint touchExpiry, uint vivifyExpiry, IBufferWriter<byte> output)
    {
        bool created = result.Status == ArithmeticStatus.Vivified;
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(result.Value, digits, out int digitCount);
        bool returnValue = request.Has(MetaFlags.ReturnValue);

        MetaLineWriter line = MetaReplies.BeginLine(output, request.Key.Length);
        if (returnValue)
        {
            line.Append(MetaReplies.Va);
            line.AppendNumber((ulong)digitCount);
        }
        else
        {
            line.Append(MetaReplies.Hd);
        }
        var ttl = new MetaTtlWalk(result.TtlRemainingBeforeTouch, created, touchExpiry, vivifyExpiry, now);
        foreach (ReadOnlySpan<byte> token in new MetaTokens(request.FlagTokens))
        {
            ttl.See(token[0]);
            switch (token[0])
            {
                case (byte)'c':
                    line.AppendFlag((byte)'c');
                    line.AppendNumber(result.Cas);
                    break;
                case (byte)'t':
                    line.AppendFlag((byte)'t');
                    MetaReplies.AppendTtl(ref line, ttl.Current);
                    break;
                case (byte)'O':
                    line.AppendSpace();
                    line.Append(token);
                    break;
                case (byte)'k':
                    line.AppendKey(request.Key, request.Has(MetaFlags.Base64Key));
                    break;
            }
        }
        if (returnValue)
        {
            line.Append(MetaReplies.LineEnd);
            line.Append(digits[..digitCount]);
        }
        MetaReplies.EndLine(output, ref line);
    }
}

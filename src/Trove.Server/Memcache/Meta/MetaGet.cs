using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// mg: fetch an item's value and metadata, optionally touching it (T), vivifying it on a miss (N) or winning the
/// right to recache it (R). memcached applies T and N while it walks the flags in request order, so a t flag
/// reports the TTL as of its position: before a later T or N, after an earlier one. This class reproduces that.
/// </summary>
internal static class MetaGet
{
    public static void Execute(scoped in MetaRequest request, ServerContext context, IBufferWriter<byte> output)
    {
        CacheEngine engine = context.Engine;
        if (request.OpaqueTooLong)
        {
            RejectLongOpaque(output);
            return;
        }

        uint now = engine.Now;
        bool touch = request.Has(MetaFlags.Ttl);
        uint touchExpiry = touch ? engine.ToExpiry(request.Ttl) : 0;
        uint vivifyExpiry = request.Has(MetaFlags.Vivify) ? engine.ToExpiry(request.VivifyTtl) : 0;
        GetRequest get = BuildGetRequest(request, touchExpiry, vivifyExpiry);

        var reader = new MetaGetReader(request, output, now, touchExpiry, vivifyExpiry);
        GetStatus status = engine.Get(request.Key, get, ref reader);
        if (status == GetStatus.ValueUnavailable)
        {
            output.Write(Trove.Protocol.Text.TextReplies.ValueUnavailable);
            return;
        }

        if (status == GetStatus.Miss)
        {
            // memcached counts a miss as a get even when T was given.
            context.Counters.Add(ProtocolCounter.CmdGet);
            if (!request.Has(MetaFlags.Quiet))
            {
                MetaReplies.WriteStatusWithEcho(output, MetaReplies.En, request);
            }
            return;
        }
        context.Counters.Add(touch ? ProtocolCounter.CmdTouch : ProtocolCounter.CmdGet);
    }

    private static GetRequest BuildGetRequest(scoped in MetaRequest request, uint touchExpiry, uint vivifyExpiry)
    {
        ReadOnlySpan<byte> order = request.FlagTokens;
        bool touch = request.Has(MetaFlags.Ttl);
        var get = new GetRequest
        {
            Touch = touch,
            NewExpiresAt = touchExpiry,
            NoLruBump = request.Has(MetaFlags.NoBump),
            MetaGet = true,
        };
        if (request.Has(MetaFlags.Vivify))
        {
            get.Vivify = true;
            // memcached creates the item without expiry and then applies N and T in request order: the later wins.
            get.VivifyExpiresAt = touch && MetaFlagOrder.Precedes(order, (byte)'N', (byte)'T') ? touchExpiry : vivifyExpiry;
        }
        if (request.Has(MetaFlags.Recache))
        {
            get.HasRecache = true;
            // A negative R converts to an expiry nothing precedes, as 0 does.
            get.RecacheThreshold = (uint)Math.Max(0, request.RecacheTtl);
            // R sees the expiry as of its position: touched only when T came first.
            get.RecacheBeforeTouch = !MetaFlagOrder.Precedes(order, (byte)'T', (byte)'R');
        }
        return get;
    }

    // memcached notices a long opaque only while building the reply, after the lookup, and then counts nothing.
    // Divergence: by then memcached may have marked the item fetched (no T, N, R, h or l flag), applied a T that
    // precedes the O, or created the item for N; Trove rejects the line without touching the item.
    private static void RejectLongOpaque(IBufferWriter<byte> output)
    {
        output.Write(MetaReplies.OpaqueTooLong);
    }
}

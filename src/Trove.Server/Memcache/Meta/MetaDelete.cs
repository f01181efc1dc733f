using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>md: delete an item, or with I mark it stale (new CAS, optional new TTL with T) instead.</summary>
internal static class MetaDelete
{
    public static void Execute(scoped in MetaRequest request, ServerContext context, IBufferWriter<byte> output)
    {
        CacheEngine engine = context.Engine;
        bool invalidate = request.Has(MetaFlags.Invalidate);
        var delete = new DeleteRequest
        {
            HasCompareCas = request.Has(MetaFlags.CompareCas),
            CompareCas = request.CompareCas,
            Invalidate = invalidate,
            // T only matters together with I.
            Touch = invalidate && request.Has(MetaFlags.Ttl),
            NewExpiresAt = invalidate && request.Has(MetaFlags.Ttl) ? engine.ToExpiry(request.Ttl) : 0,
        };
        DeleteStatus status = engine.Delete(request.Key, delete);
        if (status == DeleteStatus.Deleted && request.Has(MetaFlags.Quiet))
        {
            return;
        }
        ReadOnlySpan<byte> code = status switch
        {
            DeleteStatus.Deleted => MetaReplies.Hd,
            DeleteStatus.Exists => MetaReplies.Ex,
            _ => MetaReplies.Nf,
        };
        MetaReplies.WriteStatusWithEcho(output, code, request);
    }
}

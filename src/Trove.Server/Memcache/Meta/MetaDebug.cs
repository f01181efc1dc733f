using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// me: a human readable line of an item's metadata, "ME key exp=.. la=.. cas=.. fetch=.. cls=.. size=..", or EN.
/// Reading does not bump the item or mark it fetched. cls and size are memcached's numbers for the item (see
/// <see cref="MemcachedItemLayout"/>), not Trove's internal layout.
/// </summary>
internal static class MetaDebug
{
    public static void Execute(scoped in MetaRequest request, ServerContext context, IBufferWriter<byte> output)
    {
        context.Counters.Add(ProtocolCounter.CmdMeta);
        var reader = new Snapshot();
        var get = new GetRequest { NoBump = true };
        GetStatus status = context.Engine.Get(request.Key, get, ref reader);
        if (status == GetStatus.ValueUnavailable)
        {
            output.Write(Trove.Protocol.Text.TextReplies.ValueUnavailable);
            return;
        }

        if (status != GetStatus.Hit)
        {
            output.Write("EN\r\n"u8);
            return;
        }

        long total = MemcachedItemLayout.TotalSize(request.Key.Length, reader.ValueLength, reader.Flags);
        MetaLineWriter line = MetaReplies.BeginLine(output, request.Key.Length);
        line.Append("ME "u8);
        if (request.Has(MetaFlags.Base64Key))
        {
            // Re-encoded from the decoded bytes, so the reply key is canonical base64.
            line.AppendBase64(request.Key);
        }
        else
        {
            line.Append(request.Key);
        }
        line.Append(" exp="u8);
        // memcached prints current_time - exptime, the negated remaining TTL.
        line.AppendNumber(reader.TtlRemaining == -1 ? -1L : -(long)reader.TtlRemaining);
        line.Append(" la="u8);
        line.AppendNumber((ulong)reader.SecondsSinceLastAccess);
        line.Append(" cas="u8);
        line.AppendNumber(reader.Cas);
        line.Append(reader.FetchedBefore ? " fetch=yes"u8 : " fetch=no"u8);
        line.Append(" cls="u8);
        line.AppendNumber((ulong)MemcachedItemLayout.SlabClass(total, context.Engine.Options.GrowthFactor));
        line.Append(" size="u8);
        line.AppendNumber((ulong)total);
        MetaReplies.EndLine(output, ref line);
    }

    // me needs no value bytes, so it copies the metadata out and formats after the lock is released.
    private struct Snapshot : IItemReader
    {
        public int ValueLength;
        public uint Flags;
        public ulong Cas;
        public int TtlRemaining;
        public uint SecondsSinceLastAccess;
        public bool FetchedBefore;

        public void Read(in ItemView item)
        {
            ValueLength = item.Value.Length;
            Flags = item.Flags;
            Cas = item.Cas;
            TtlRemaining = item.TtlRemaining;
            SecondsSinceLastAccess = item.SecondsSinceLastAccess;
            FetchedBefore = item.FetchedBefore;
        }
    }
}

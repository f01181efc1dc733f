using System.Buffers;
using Trove.Protocol.Text;
using Trove.Storage;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// The stats groups memcached's get_stats answers (items, slabs, sizes and their switches), from the engine's
/// snapshot. Trove's engine keeps one CLOCK list per class instead of memcached's hot/warm/cold LRUs, so "stats items"
/// reports every item as cold (number_hot/number_warm 0, number_cold = number, age_hot/age_warm 0) and every hit as
/// a hit to cold; tailrepairs, lrutail_reflocked, moves_* and direct_reclaims are 0.
/// </summary>
internal static class EngineStatsWriter
{
    /// <summary>Writes the group named <paramref name="group"/>; false when memcached would not know it.</summary>
    public static bool TryWrite(ServerContext context, ReadOnlySpan<byte> group, IBufferWriter<byte> output)
    {
        if (group.SequenceEqual("items"u8))
        {
            Items(context.Engine.GetStats(), output);
        }
        else if (group.SequenceEqual("slabs"u8))
        {
            Slabs(context.Engine.GetStats(), output);
        }
        else if (group.SequenceEqual("sizes"u8))
        {
            ItemDumps.Sizes(context, output);
        }
        else if (group.SequenceEqual("sizes_enable"u8) || group.SequenceEqual("sizes_disable"u8))
        {
            RuntimeSettings settings = context.Settings;
            bool enable = group[6] == 'e';
            if (enable && !settings.TrackSizes)
            {
                settings.TrackSizesFromCas = context.Engine.GetStats().NextCas;
            }
            settings.TrackSizes = enable;
            // memcached answers these with the one status line and no END.
            TextReplyWriter.WriteStat(output, "sizes_status"u8, enable ? "enabled"u8 : "disabled"u8);
        }
        else
        {
            return false;
        }
        return true;
    }

    private static void Items(EngineStats stats, IBufferWriter<byte> output)
    {
        foreach (SlabClassStats c in stats.Classes)
        {
            if (c.Number == 0)
            {
                continue;
            }
            ReadOnlySpan<byte> prefix = "items:"u8;
            TextReplyWriter.WriteStat(output, prefix, c.Id, "number"u8, (ulong)c.Number);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "number_hot"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "number_warm"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "number_cold"u8, (ulong)c.Number);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "age_hot"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "age_warm"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "age"u8, c.AgeSeconds);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "mem_requested"u8, (ulong)c.MemRequested);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "evicted"u8, (ulong)c.Evicted);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "evicted_nonzero"u8, (ulong)c.EvictedNonzero);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "evicted_time"u8, c.EvictedTime);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "outofmemory"u8, (ulong)c.OutOfMemory);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "tailrepairs"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "reclaimed"u8, (ulong)c.Reclaimed);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "expired_unfetched"u8, (ulong)c.ExpiredUnfetched);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "evicted_unfetched"u8, (ulong)c.EvictedUnfetched);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "evicted_active"u8, (ulong)c.EvictedActive);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "crawler_reclaimed"u8, (ulong)c.CrawlerReclaimed);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "crawler_items_checked"u8, (ulong)c.CrawlerItemsChecked);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "lrutail_reflocked"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "moves_to_cold"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "moves_to_warm"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "moves_within_lru"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "direct_reclaims"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "hits_to_hot"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "hits_to_warm"u8, 0);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "hits_to_cold"u8, (ulong)c.GetHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "hits_to_temp"u8, 0);
        }
        output.Write(TextReplies.End);
    }

    private static void Slabs(EngineStats stats, IBufferWriter<byte> output)
    {
        foreach (SlabClassStats c in stats.Classes)
        {
            if (c.TotalPages == 0)
            {
                continue; // memcached lists the classes that own pages
            }
            ReadOnlySpan<byte> prefix = ""u8;
            TextReplyWriter.WriteStat(output, prefix, c.Id, "chunk_size"u8, (ulong)c.ChunkSize);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "chunks_per_page"u8, (ulong)c.ChunksPerPage);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "total_pages"u8, (ulong)c.TotalPages);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "total_chunks"u8, (ulong)c.TotalChunks);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "used_chunks"u8, (ulong)c.UsedChunks);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "free_chunks"u8, (ulong)c.FreeChunks);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "free_chunks_end"u8, (ulong)c.FreeChunksEnd);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "get_hits"u8, (ulong)c.GetHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "cmd_set"u8, (ulong)c.CmdSet);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "delete_hits"u8, (ulong)c.DeleteHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "incr_hits"u8, (ulong)c.IncrHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "decr_hits"u8, (ulong)c.DecrHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "cas_hits"u8, (ulong)c.CasHits);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "cas_badval"u8, (ulong)c.CasBadval);
            TextReplyWriter.WriteStat(output, prefix, c.Id, "touch_hits"u8, (ulong)c.TouchHits);
        }
        TextReplyWriter.WriteStat(output, "active_slabs"u8, (ulong)stats.ActiveSlabs);
        TextReplyWriter.WriteStat(output, "total_malloced"u8, (ulong)stats.TotalMalloced);
        output.Write(TextReplies.End);
    }
}

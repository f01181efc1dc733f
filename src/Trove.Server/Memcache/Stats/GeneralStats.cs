using System.Buffers;
using System.Diagnostics;
using Trove.Storage;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// Plain "stats": memcached 1.6.18's server_stats followed by its item and slab totals, same names, same order.
/// Fields about memcached internals Trove does not have print what memcached prints on a fresh node:
/// libevent (the version memcached 1.6.18 reports on this platform), response_obj_* and read_buf_* (memcached's
/// per-thread buffer caches), reserved_fds, accepting_conns, listen_disabled_num, time_in_listen_disabled_us,
/// hash_is_expanding (Trove's partitions grow their tables one at a time), slab_reassign_chunk_rescues,
/// slab_reassign_inline_reclaim, slab_reassign_busy_*, slab_reassign_running, lru_crawler_running,
/// lru_maintainer_juggles (no LRU maintainer thread), malloc_fails, log_* (no log watchers), unexpected_napi_ids,
/// round_robin_fallback, slab_global_page_pool, lrutail_reflocked, moves_* and direct_reclaims (no segmented
/// LRU), lru_bumps_dropped.
/// </summary>
internal static class GeneralStats
{
    public static void Write(ServerContext context, IBufferWriter<byte> output)
    {
        var stat = new StatWriter(output);
        StripedCounters<ProtocolCounter> counters = context.Counters;
        EngineStats engine = context.Engine.GetStats();
        using var process = Process.GetCurrentProcess();
        DateTimeOffset now = context.Time.GetUtcNow();

        stat.Number("pid"u8, (ulong)Environment.ProcessId);
        stat.Number("uptime"u8, context.UptimeSeconds);
        stat.Signed("time"u8, now.ToUnixTimeSeconds());
        stat.Text("version"u8, context.Version);
        stat.Text("libevent"u8, "2.1.12-stable"u8);
        stat.Signed("pointer_size"u8, IntPtr.Size * 8);
        stat.Seconds("rusage_user"u8, process.UserProcessorTime);
        stat.Seconds("rusage_system"u8, process.PrivilegedProcessorTime);
        stat.Signed("max_connections"u8, context.Options.MaxConnections);
        stat.Signed("curr_connections"u8, context.CurrentConnections);
        stat.Signed("total_connections"u8, counters.Read(ProtocolCounter.TotalConnections) + (context.ListenerCountedInTotalConnections ? 1 : 0));
        stat.Signed("rejected_connections"u8, counters.Read(ProtocolCounter.RejectedConnections));
        stat.Signed("connection_structures"u8, 1 + Math.Max(context.Connections.PeakConnections, context.CurrentConnections));
        stat.Signed("response_obj_oom"u8, 0);
        stat.Signed("response_obj_count"u8, 1);
        stat.Signed("response_obj_bytes"u8, 16384);
        stat.Signed("read_buf_count"u8, 2);
        stat.Signed("read_buf_bytes"u8, 32768);
        stat.Signed("read_buf_bytes_free"u8, 0);
        stat.Signed("read_buf_oom"u8, 0);
        stat.Signed("reserved_fds"u8, 20);
        stat.Signed("cmd_get"u8, counters.Read(ProtocolCounter.CmdGet));
        stat.Signed("cmd_set"u8, engine.CmdSet);
        stat.Signed("cmd_flush"u8, counters.Read(ProtocolCounter.CmdFlush));
        stat.Signed("cmd_touch"u8, counters.Read(ProtocolCounter.CmdTouch));
        stat.Signed("cmd_meta"u8, counters.Read(ProtocolCounter.CmdMeta));
        stat.Signed("get_hits"u8, engine.GetHits);
        stat.Signed("get_misses"u8, engine.GetMisses);
        stat.Signed("get_expired"u8, engine.GetExpired);
        stat.Signed("get_flushed"u8, engine.GetFlushed);
        stat.Signed("delete_misses"u8, engine.DeleteMisses);
        stat.Signed("delete_hits"u8, engine.DeleteHits);
        stat.Signed("incr_misses"u8, engine.IncrMisses);
        stat.Signed("incr_hits"u8, engine.IncrHits);
        stat.Signed("decr_misses"u8, engine.DecrMisses);
        stat.Signed("decr_hits"u8, engine.DecrHits);
        stat.Signed("cas_misses"u8, engine.CasMisses);
        stat.Signed("cas_hits"u8, engine.CasHits);
        stat.Signed("cas_badval"u8, engine.CasBadval);
        stat.Signed("touch_hits"u8, engine.TouchHits);
        stat.Signed("touch_misses"u8, engine.TouchMisses);
        stat.Signed("store_too_large"u8, counters.Read(ProtocolCounter.StoreTooLarge));
        stat.Signed("store_no_memory"u8, counters.Read(ProtocolCounter.StoreNoMemory));
        stat.Signed("auth_cmds"u8, counters.Read(ProtocolCounter.AuthCmds));
        stat.Signed("auth_errors"u8, counters.Read(ProtocolCounter.AuthErrors));
        if (context.Options.IdleTimeoutSeconds > 0)
        {
            stat.Signed("idle_kicks"u8, counters.Read(ProtocolCounter.IdleKicks)); // memcached lists it only with idle_timeout set
        }
        stat.Signed("bytes_read"u8, counters.Read(ProtocolCounter.BytesRead));
        stat.Signed("bytes_written"u8, counters.Read(ProtocolCounter.BytesWritten));
        stat.Signed("limit_maxbytes"u8, engine.LimitMaxBytes);
        stat.Signed("accepting_conns"u8, 1);
        stat.Signed("listen_disabled_num"u8, 0);
        stat.Signed("time_in_listen_disabled_us"u8, 0);
        stat.Signed("threads"u8, context.Options.Threads);
        stat.Signed("conn_yields"u8, counters.Read(ProtocolCounter.ConnYields));
        stat.Signed("hash_power_level"u8, engine.HashPowerLevel);
        stat.Signed("hash_bytes"u8, engine.HashBytes);
        stat.Signed("hash_is_expanding"u8, 0);
        stat.Signed("slab_reassign_rescues"u8, engine.SlabReassignRescues);
        stat.Signed("slab_reassign_chunk_rescues"u8, 0);
        stat.Signed("slab_reassign_evictions_nomem"u8, engine.SlabReassignEvictions);
        stat.Signed("slab_reassign_inline_reclaim"u8, 0);
        stat.Signed("slab_reassign_busy_items"u8, 0);
        stat.Signed("slab_reassign_busy_deletes"u8, 0);
        stat.Signed("slab_reassign_running"u8, 0);
        stat.Signed("slabs_moved"u8, engine.SlabsMoved);
        if (context.Settings.LruCrawlerEnabled)
        {
            stat.Signed("lru_crawler_running"u8, 0);
            stat.Signed("lru_crawler_starts"u8, engine.CrawlerPasses);
        }
        stat.Signed("lru_maintainer_juggles"u8, 0);
        stat.Signed("malloc_fails"u8, 0);
        stat.Signed("log_worker_dropped"u8, 0);
        stat.Signed("log_worker_written"u8, 0);
        stat.Signed("log_watcher_skipped"u8, 0);
        stat.Signed("log_watcher_sent"u8, 0);
        stat.Signed("log_watchers"u8, 0);
        if (context.Tls is { } tls)
        {
            // memcached lists these only when it serves TLS.
            stat.Signed("ssl_handshake_errors"u8, counters.Read(ProtocolCounter.TlsHandshakeErrors));
            stat.Signed("time_since_server_cert_refresh"u8, (long)tls.SinceLastLoad.TotalSeconds);
        }
        stat.Signed("unexpected_napi_ids"u8, 0);
        stat.Signed("round_robin_fallback"u8, 0);
        stat.Signed("bytes"u8, engine.Bytes);
        stat.Signed("curr_items"u8, engine.CurrItems);
        stat.Signed("total_items"u8, engine.TotalItems);
        stat.Signed("slab_global_page_pool"u8, 0);
        stat.Signed("expired_unfetched"u8, engine.ExpiredUnfetched);
        stat.Signed("evicted_unfetched"u8, engine.EvictedUnfetched);
        stat.Signed("evicted_active"u8, engine.EvictedActive);
        stat.Signed("evictions"u8, engine.Evictions);
        stat.Signed("reclaimed"u8, engine.Reclaimed);
        stat.Signed("crawler_reclaimed"u8, engine.CrawlerReclaimed);
        stat.Signed("crawler_items_checked"u8, engine.CrawlerItemsChecked);
        stat.Signed("lrutail_reflocked"u8, 0);
        stat.Signed("moves_to_cold"u8, 0);
        stat.Signed("moves_to_warm"u8, 0);
        stat.Signed("moves_within_lru"u8, 0);
        stat.Signed("direct_reclaims"u8, 0);
        stat.Signed("lru_bumps_dropped"u8, 0);
    }
}

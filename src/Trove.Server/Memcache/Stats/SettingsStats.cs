using System.Buffers;
using Trove.Storage;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// "stats settings": memcached 1.6.18's list, in its order. Values Trove has are real (memory limit, connections,
/// port, verbosity, item size, growth factor, threads, and whatever admin commands changed); the rest describe
/// memcached features Trove lacks and print memcached's defaults: domain_socket, umask, chunk_size, reqs_per_event,
/// tcp_backlog, hashpower_init, slab_automove_window, slab_chunk_max, tail_repair_time, the log buffer sizes,
/// read_buf_mem_limit, inline_ascii_response, ext_wbuf_size, slab_automove_freeratio and the ssl_* tunables Trove
/// does not have (keyformat, ciphers, wbuf size, session cache, kernel TLS, minimum version).
/// </summary>
internal static class SettingsStats
{
    public static void Write(ServerContext context, IBufferWriter<byte> output)
    {
        var stat = new StatWriter(output);
        ServerOptions options = context.Options;
        EngineOptions engine = context.Engine.Options;
        RuntimeSettings settings = context.Settings;

        stat.Number("maxbytes"u8, (ulong)engine.MemoryLimitBytes);
        stat.Signed("maxconns"u8, options.MaxConnections);
        stat.Signed("tcpport"u8, options.Port);
        stat.Signed("udpport"u8, options.UdpPort);
        stat.Text("inter"u8, options.ListenAddress);
        stat.Signed("verbosity"u8, context.Verbosity);
        stat.Number("oldest"u8, settings.OldestLive);
        stat.Text("evictions"u8, engine.EvictionDisabled ? "off"u8 : "on"u8);
        stat.Text("domain_socket"u8, "NULL"u8);
        stat.Text("umask"u8, "700"u8);
        stat.YesNo("shutdown_command"u8, options.EnableShutdown);
        stat.Fixed("growth_factor"u8, engine.GrowthFactor, 2);
        stat.Signed("chunk_size"u8, 48);
        stat.Signed("num_threads"u8, options.Threads);
        stat.Signed("num_threads_per_udp"u8, options.Threads);
        stat.Text("stat_key_prefix"u8, ":"u8);
        stat.YesNo("detail_enabled"u8, context.PrefixStats.Enabled);
        stat.Signed("reqs_per_event"u8, 20);
        stat.YesNo("cas_enabled"u8, true);
        stat.Signed("tcp_backlog"u8, 1024);
        // memcached -Y turns the binary protocol off; Trove keeps it and asks binary clients for SASL PLAIN.
        stat.Text("binding_protocol"u8, "auto-negotiate"u8);
        stat.YesNo("auth_enabled_sasl"u8, context.Credentials is not null);
        if (context.Credentials is { } credentials)
        {
            stat.Text("auth_enabled_ascii"u8, credentials.Path); // memcached shows the file
        }
        else
        {
            stat.YesNo("auth_enabled_ascii"u8, false);
        }
        stat.Signed("item_size_max"u8, engine.MaxItemSize);
        if (context.MaxKeyLength != CacheEngine.KeyMaxLength)
        {
            // Trove's own (--max-key-length, store mode only): absent at memcached's 250, so the reply stays memcached's.
            stat.Signed("key_max_length"u8, context.MaxKeyLength);
        }
        stat.YesNo("maxconns_fast"u8, true);
        stat.Signed("hashpower_init"u8, 0);
        stat.YesNo("slab_reassign"u8, true);
        stat.Signed("slab_automove"u8, settings.SlabAutomove);
        stat.Fixed("slab_automove_ratio"u8, settings.SlabAutomoveRatio, 2);
        stat.Signed("slab_automove_window"u8, 30);
        stat.Signed("slab_chunk_max"u8, 524288);
        stat.YesNo("lru_crawler"u8, settings.LruCrawlerEnabled);
        stat.Number("lru_crawler_sleep"u8, settings.LruCrawlerSleep);
        stat.Number("lru_crawler_tocrawl"u8, settings.LruCrawlerToCrawl);
        stat.Signed("tail_repair_time"u8, 0);
        stat.YesNo("flush_enabled"u8, true);
        stat.YesNo("dump_enabled"u8, true);
        stat.Text("hash_algorithm"u8, "murmur3"u8);
        stat.YesNo("lru_maintainer_thread"u8, true);
        stat.YesNo("lru_segmented"u8, settings.LruSegmented);
        stat.Number("hot_lru_pct"u8, settings.HotLruPct);
        stat.Number("warm_lru_pct"u8, settings.WarmLruPct);
        stat.Fixed("hot_max_factor"u8, settings.HotMaxFactor, 2);
        stat.Fixed("warm_max_factor"u8, settings.WarmMaxFactor, 2);
        stat.YesNo("temp_lru"u8, settings.TempLru);
        stat.Signed("temporary_ttl"u8, settings.TemporaryTtl);
        stat.Signed("idle_timeout"u8, options.IdleTimeoutSeconds);
        stat.Signed("watcher_logbuf_size"u8, 262144);
        stat.Signed("worker_logbuf_size"u8, 65536);
        stat.Signed("read_buf_mem_limit"u8, 0);
        stat.YesNo("track_sizes"u8, settings.TrackSizes);
        stat.YesNo("inline_ascii_response"u8, false);
        stat.Number("ext_item_size"u8, settings.ExtItemSize);
        stat.Number("ext_item_age"u8, settings.ExtItemAge);
        stat.Number("ext_low_ttl"u8, settings.ExtLowTtl);
        stat.Number("ext_recache_rate"u8, settings.ExtRecacheRate);
        stat.Signed("ext_wbuf_size"u8, 4194304);
        stat.Number("ext_compact_under"u8, settings.ExtCompactUnder);
        stat.Number("ext_drop_under"u8, settings.ExtDropUnder);
        stat.Number("ext_max_sleep"u8, settings.ExtMaxSleep);
        stat.Fixed("ext_max_frag"u8, settings.ExtMaxFrag, 2);
        stat.Fixed("slab_automove_freeratio"u8, 0.01, 3);
        stat.YesNo("ext_drop_unread"u8, settings.ExtDropUnread);
        bool tls = context.Tls is not null;
        stat.YesNo("ssl_enabled"u8, tls);
        stat.Text("ssl_chain_cert"u8, tls ? options.TlsCertPath! : "(null)");
        stat.Text("ssl_key"u8, tls ? options.TlsKeyPath! : "(null)");
        // memcached shows OpenSSL's flags for its mode 3: VERIFY_PEER | FAIL_IF_NO_PEER_CERT | CLIENT_ONCE.
        stat.Signed("ssl_verify_mode"u8, context.Tls?.RequiresClientCertificate == true ? 7 : 0);
        stat.Signed("ssl_keyformat"u8, 1);
        stat.Text("ssl_ciphers"u8, "NULL"u8);
        stat.Text("ssl_ca_cert"u8, context.Tls?.RequiresClientCertificate == true ? options.TlsCaPath! : "NULL");
        stat.Signed("ssl_wbuf_size"u8, 16384);
        stat.YesNo("ssl_session_cache"u8, false);
        stat.YesNo("ssl_kernel_tls"u8, false);
        stat.Text("ssl_min_version"u8, "tlsv1.2"u8);
        stat.Text("num_napi_ids"u8, "(null)"u8);
        stat.Text("memory_file"u8, "(null)"u8);
    }
}

using System.Net;
using Trove.Server.Memcache;

namespace Trove.Server.Tests.Session;

/// <summary>The stats family: memcached 1.6.18's field names, in its order, with values that follow the traffic.</summary>
public sealed class SessionStatsTests
{
    private const string GeneralNames =
        "pid uptime time version libevent pointer_size rusage_user rusage_system max_connections curr_connections total_connections " +
        "rejected_connections connection_structures response_obj_oom response_obj_count response_obj_bytes read_buf_count read_buf_bytes " +
        "read_buf_bytes_free read_buf_oom reserved_fds cmd_get cmd_set cmd_flush cmd_touch cmd_meta get_hits get_misses get_expired " +
        "get_flushed delete_misses delete_hits incr_misses incr_hits decr_misses decr_hits cas_misses cas_hits cas_badval touch_hits " +
        "touch_misses store_too_large store_no_memory auth_cmds auth_errors bytes_read bytes_written limit_maxbytes accepting_conns " +
        "listen_disabled_num time_in_listen_disabled_us threads conn_yields hash_power_level hash_bytes hash_is_expanding " +
        "slab_reassign_rescues slab_reassign_chunk_rescues slab_reassign_evictions_nomem slab_reassign_inline_reclaim " +
        "slab_reassign_busy_items slab_reassign_busy_deletes slab_reassign_running slabs_moved lru_crawler_running lru_crawler_starts " +
        "lru_maintainer_juggles malloc_fails log_worker_dropped log_worker_written log_watcher_skipped log_watcher_sent log_watchers " +
        "unexpected_napi_ids round_robin_fallback bytes curr_items total_items slab_global_page_pool expired_unfetched evicted_unfetched " +
        "evicted_active evictions reclaimed crawler_reclaimed crawler_items_checked lrutail_reflocked moves_to_cold moves_to_warm " +
        "moves_within_lru direct_reclaims lru_bumps_dropped";

    private const string SettingsNames =
        "maxbytes maxconns tcpport udpport inter verbosity oldest evictions domain_socket umask shutdown_command growth_factor chunk_size " +
        "num_threads num_threads_per_udp stat_key_prefix detail_enabled reqs_per_event cas_enabled tcp_backlog binding_protocol " +
        "auth_enabled_sasl auth_enabled_ascii item_size_max maxconns_fast hashpower_init slab_reassign slab_automove slab_automove_ratio " +
        "slab_automove_window slab_chunk_max lru_crawler lru_crawler_sleep lru_crawler_tocrawl tail_repair_time flush_enabled dump_enabled " +
        "hash_algorithm lru_maintainer_thread lru_segmented hot_lru_pct warm_lru_pct hot_max_factor warm_max_factor temp_lru temporary_ttl " +
        "idle_timeout watcher_logbuf_size worker_logbuf_size read_buf_mem_limit track_sizes inline_ascii_response ext_item_size ext_item_age " +
        "ext_low_ttl ext_recache_rate ext_wbuf_size ext_compact_under ext_drop_under ext_max_sleep ext_max_frag slab_automove_freeratio " +
        "ext_drop_unread ssl_enabled ssl_chain_cert ssl_key ssl_verify_mode ssl_keyformat ssl_ciphers ssl_ca_cert ssl_wbuf_size " +
        "ssl_session_cache ssl_kernel_tls ssl_min_version num_napi_ids memory_file";

    [Fact]
    public void StatsListsMemcachedsFieldsInItsOrder()
    {
        using var harness = new SessionHarness();

        string reply = harness.Send("stats\r\n");

        Assert.Equal(GeneralNames.Split(' '), Names(reply));
        Assert.EndsWith("END\r\n", reply);
    }

    [Fact]
    public void StatsDropsCrawlerFieldsWhileTheCrawlerIsDisabled()
    {
        using var harness = new SessionHarness();
        harness.Send("lru_crawler disable\r\n");

        string[] names = Names(harness.Send("stats\r\n"));

        Assert.DoesNotContain("lru_crawler_running", names);
        Assert.DoesNotContain("lru_crawler_starts", names);
    }

    [Fact]
    public void StatsSettingsListsMemcachedsFieldsInItsOrder()
    {
        using var harness = new SessionHarness();

        string reply = harness.Send("stats settings\r\n");

        Assert.Equal(SettingsNames.Split(' '), Names(reply));
        Assert.Contains("STAT maxbytes 67108864\r\n", reply);
        Assert.Contains("STAT growth_factor 1.25\r\n", reply);
        Assert.Contains("STAT slab_automove_ratio 0.80\r\n", reply);
        Assert.Contains("STAT slab_automove_freeratio 0.010\r\n", reply);
        Assert.Contains("STAT item_size_max 1048576\r\n", reply);
    }

    [Fact]
    public void StatsSettingsReportsWhatAdminCommandsChanged()
    {
        using var harness = new SessionHarness();
        harness.Send("verbosity 1\r\nslabs automove ratio 0.5\r\nlru tune 10 10 0.1 2\r\nstats detail on\r\nlru_crawler tocrawl 5\r\ncache_memlimit 100\r\n");

        string reply = harness.Send("stats settings\r\n");

        Assert.Contains("STAT verbosity 1\r\n", reply);
        Assert.Contains("STAT slab_automove_ratio 0.50\r\n", reply);
        Assert.Contains("STAT hot_lru_pct 10\r\nSTAT warm_lru_pct 10\r\nSTAT hot_max_factor 0.10\r\n", reply);
        Assert.Contains("STAT detail_enabled yes\r\n", reply);
        Assert.Contains("STAT lru_crawler_tocrawl 5\r\n", reply);
        Assert.Contains("STAT maxbytes 104857600\r\n", reply);
    }

    [Fact]
    public void StatsCountsCommandsAndKeys()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\nget a b c\r\ngets a\r\ntouch a 0\r\ngat 0 a b\r\nflush_all\r\n");

        string reply = harness.Send("stats\r\n");

        Assert.Contains("STAT cmd_get 4\r\n", reply);
        Assert.Contains("STAT cmd_touch 3\r\n", reply);
        Assert.Contains("STAT cmd_flush 1\r\n", reply);
        Assert.Contains("STAT cmd_set 1\r\n", reply);
        Assert.Contains("STAT get_hits 2\r\n", reply);
        Assert.Contains("STAT get_misses 2\r\n", reply);
        Assert.Contains("STAT total_connections 1\r\n", reply);
    }

    [Fact]
    public void StatsCountsTooLargeValues()
    {
        using var harness = new SessionHarness();
        harness.Send($"set big 0 0 2000000\r\n{new string('x', 2_000_000)}\r\n");

        Assert.Contains("STAT store_too_large 1\r\n", harness.Send("stats\r\n"));
    }

    [Fact]
    public void StatsResetZeroesCountersButNotItems()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\nget a\r\n");

        Assert.Equal("RESET\r\n", harness.Send("stats reset\r\n"));
        string reply = harness.Send("stats\r\n");

        Assert.Contains("STAT cmd_get 0\r\n", reply);
        Assert.Contains("STAT get_hits 0\r\n", reply);
        Assert.Contains("STAT total_connections 0\r\n", reply);
        Assert.Contains("STAT curr_items 1\r\n", reply);
    }

    [Fact]
    public void StatsDetailCountsPerPrefixInMemcachedsOrder()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(
            "stats detail on\r\nset a:b 0 0 1\r\nx\r\nget a:b c:d e\r\ndelete a:b\r\nset c:x 0 0 1\r\n1\r\nstats detail dump\r\nstats detail off\r\n");

        Assert.Equal(
            "OK\r\nSTORED\r\nVALUE a:b 0 1\r\nx\r\nEND\r\nDELETED\r\nSTORED\r\n" +
            "PREFIX c get 1 hit 0 set 1 del 0\r\nPREFIX a get 1 hit 1 set 1 del 1\r\nEND\r\nOK\r\n",
            replies);
        Assert.Equal("CLIENT_ERROR usage: stats detail on|off|dump\r\nCLIENT_ERROR usage: stats detail on|off|dump\r\n", harness.Send("stats detail\r\nstats detail x\r\n"));
    }

    [Fact]
    public void UnknownStatsGroupsAnswerErrorAndExtstoreIsEmpty()
    {
        using var harness = new SessionHarness();

        Assert.Equal("ERROR\r\nERROR\r\nEND\r\n", harness.Send("stats foo\r\nstats proxy\r\nstats extstore\r\n"));
    }

    [Fact]
    public void StatsSizesCanBeSwitchedOnAndOff()
    {
        using var harness = new SessionHarness();

        Assert.Equal("STAT sizes_status disabled\r\nEND\r\n", harness.Send("stats sizes\r\n"));
        Assert.Equal("STAT sizes_status enabled\r\n", harness.Send("stats sizes_enable\r\n"));
        Assert.Equal("END\r\n", harness.Send("stats sizes\r\n"));
        Assert.Equal("STAT sizes_status disabled\r\n", harness.Send("stats sizes_disable\r\n"));
    }

    [Fact]
    public void StatsCachedumpValidatesItsArguments()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "CLIENT_ERROR bad command line\r\nCLIENT_ERROR bad command line format\r\nCLIENT_ERROR Illegal slab id\r\nEND\r\n",
            harness.Send("stats cachedump\r\nstats cachedump a b\r\nstats cachedump 64 1\r\nstats cachedump 1 0\r\n"));
    }

    [Fact]
    public void StatsConnsListsTheListenerAndEveryConnection()
    {
        using var harness = new SessionHarness(new ServerOptions { Port = 11311 });
        using ClientConnection idle = harness.Context.Connections.Register(new IPEndPoint(IPAddress.Loopback, 40000), null, harness.Engine.Now);
        using ClientConnection self = harness.Context.Connections.Register(new IPEndPoint(IPAddress.IPv6Loopback, 40001), null, harness.Engine.Now);
        var session = new MemcacheSession(harness.Context, self);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        harness.Time.Advance(TimeSpan.FromSeconds(3));

        session.Process(new System.Buffers.ReadOnlySequence<byte>("stats conns\r\n"u8.ToArray()), output, out _, out _);

        Assert.Equal(
            "STAT 23:addr tcp:127.0.0.1:11311\r\nSTAT 23:state conn_listening\r\nSTAT 23:secs_since_last_cmd 3\r\n" +
            "STAT 24:addr tcp:127.0.0.1:40000\r\nSTAT 24:listen_addr tcp:127.0.0.1:11311\r\nSTAT 24:state conn_read\r\nSTAT 24:secs_since_last_cmd 3\r\n" +
            "STAT 25:addr tcp6:[::1]:40001\r\nSTAT 25:listen_addr tcp:127.0.0.1:11311\r\nSTAT 25:state conn_parse_cmd\r\nSTAT 25:secs_since_last_cmd 0\r\n" +
            "END\r\n",
            System.Text.Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void ConnectionIdsAreReusedLikeFileDescriptors()
    {
        using var harness = new SessionHarness();
        ConnectionRegistry registry = harness.Context.Connections;
        ClientConnection first = registry.Register(null, null, 0);
        using ClientConnection second = registry.Register(null, null, 0);
        first.Dispose();

        using ClientConnection third = registry.Register(null, null, 0);

        Assert.Equal(ConnectionRegistry.FirstClientId, third.Id);
        Assert.Equal(ConnectionRegistry.FirstClientId + 1, second.Id);
        Assert.Equal(2, registry.PeakConnections);
    }

    private static string[] Names(string reply) =>
        reply.Split("\r\n").Where(line => line.StartsWith("STAT ", StringComparison.Ordinal)).Select(line => line.Split(' ')[1]).ToArray();
}

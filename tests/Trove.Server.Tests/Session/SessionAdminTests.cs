using Trove.Server.Memcache;

namespace Trove.Server.Tests.Session;

/// <summary>Server and tuning commands; replies checked against memcached 1.6.18.</summary>
public sealed class SessionAdminTests
{
    [Fact]
    public void VersionVerbosityAndMemlimitAnswerLikeMemcached()
    {
        using var harness = new SessionHarness();

        Assert.Equal("VERSION 1.6.18\r\n", harness.Send("version foo bar\r\n"));
        Assert.Equal("OK\r\n", harness.Send("verbosity 5\r\n"));
        Assert.Equal(2, harness.Context.Verbosity);
        Assert.Equal("", harness.Send("verbosity 1 noreply\r\nverbosity noreply\r\n"));
        Assert.Equal("CLIENT_ERROR bad command line format\r\nERROR\r\nERROR\r\n", harness.Send("verbosity abc\r\nverbosity\r\nverbosity 1 2 3\r\n"));
        Assert.Equal(
            "OK\r\nMEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\nERROR\r\nMEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\nERROR\r\n",
            harness.Send("cache_memlimit 100\r\ncache_memlimit 7\r\ncache_memlimit abc\r\ncache_memlimit 1000000001\r\ncache_memlimit\r\n"));
        Assert.Equal("", harness.Send("cache_memlimit 64 noreply\r\n"));
    }

    [Fact]
    public void ShutdownIsRefusedUnlessEnabled()
    {
        using var harness = new SessionHarness();

        Assert.Equal("ERROR: shutdown not enabled\r\nERROR: shutdown not enabled\r\n", harness.Send("shutdown\r\nshutdown graceful\r\n"));
        Assert.Equal(SessionResult.Continue, harness.LastResult);
    }

    [Theory]
    [InlineData("shutdown\r\n")]
    [InlineData("shutdown graceful\r\n")]
    public void ShutdownWhenEnabledStopsTheNodeAndClosesTheConnection(string command)
    {
        using var harness = new SessionHarness(new ServerOptions { EnableShutdown = true });
        int requests = 0;
        harness.Context.ShutdownRequested = () => requests++;

        Assert.Equal("", harness.Send(command));
        Assert.Equal(SessionResult.Close, harness.LastResult);
        Assert.Equal(1, requests);
    }

    [Fact]
    public void ShutdownWithAnUnknownModeIsAnError()
    {
        using var harness = new SessionHarness(new ServerOptions { EnableShutdown = true });
        harness.Context.ShutdownRequested = () => Assert.Fail("must not shut down");

        Assert.Equal("CLIENT_ERROR invalid shutdown mode\r\n", harness.Send("shutdown now please\r\n"));
    }

    [Fact]
    public void FlushAllInvalidatesItemsAndParsesItsDelay()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\n");

        Assert.Equal(
            "OK\r\nOK\r\nCLIENT_ERROR invalid exptime argument\r\nERROR\r\nOK\r\nEND\r\n",
            harness.Send("flush_all\r\nflush_all 0\r\nflush_all noreply\r\nflush_all 10 noreply\r\nflush_all abc\r\nflush_all 1 2 3\r\nflush_all -1\r\nget a\r\n"));
        Assert.Equal("", harness.Send("flush_all abc noreply\r\n"));
        // Counted even when the delay is bad, but not when the token count is wrong.
        Assert.Equal(7, harness.Context.Counters.Read(ProtocolCounter.CmdFlush));
    }

    [Fact]
    public void DelayedFlushAllLeavesItemsUntilTheDelayPasses()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\n");

        Assert.Equal("OK\r\n", harness.Send("flush_all 10\r\n"));
        Assert.Equal("VALUE a 0 1\r\n1\r\nEND\r\n", harness.Send("get a\r\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal("END\r\n", harness.Send("get a\r\n"));
    }

    [Fact]
    public void SlabsCommandsValidateLikeMemcached()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "ERROR\r\nNOSPARE source class has no spare pages\r\nSAME src and dst class are identical\r\n" +
            "BADCLASS invalid src or dst class id\r\nCLIENT_ERROR bad command line format\r\nBADCLASS invalid src or dst class id\r\n",
            harness.Send("slabs\r\nslabs reassign 1 2\r\nslabs reassign 1 1\r\nslabs reassign 0 99\r\nslabs reassign a b\r\nslabs reassign -1 5\r\n"));
        Assert.Equal(
            "OK\r\nERROR\r\nCLIENT_ERROR bad command line format\r\nOK\r\nERROR\r\n",
            harness.Send("slabs automove 2\r\nslabs automove 3\r\nslabs automove x\r\nslabs automove ratio 0.5\r\nslabs automove ratio\r\n"));
        Assert.Equal("", harness.Send("slabs automove 1 noreply\r\n"));
        Assert.Equal(1, harness.Context.Settings.SlabAutomove);
        Assert.Equal(0.5, harness.Context.Settings.SlabAutomoveRatio);
    }

    [Fact]
    public void LruCommandsValidateLikeMemcached()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "ERROR\r\nOK\r\nERROR hot and warm pcts must not exceed 80\r\nERROR hot/warm age factors must be greater than 0\r\n" +
            "OK\r\nOK\r\nERROR\r\nOK\r\nOK\r\nERROR\r\nERROR\r\nERROR\r\n",
            harness.Send(
                "lru\r\nlru tune 10 10 0.1 2\r\nlru tune 50 50 0.1 2\r\nlru tune 10 10 0 2\r\n" +
                "lru mode flat\r\nlru mode segmented\r\nlru mode x\r\nlru temp_ttl 10\r\nlru temp_ttl -1\r\nlru foo\r\nlru tune 10 10 0.1\r\nlru temp_ttl abc\r\n"));
        Assert.Equal(10u, harness.Context.Settings.HotLruPct);
        Assert.False(harness.Context.Settings.TempLru);
    }

    [Fact]
    public void LruCrawlerCommandsValidateLikeMemcached()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "ERROR\r\nOK\r\nOK\r\nBADCLASS invalid class id\r\nBADCLASS invalid class id\r\nBADCLASS invalid class id\r\n" +
            "NOTSTARTED no items to crawl\r\nOK\r\nCLIENT_ERROR bad command line format\r\nOK\r\nCLIENT_ERROR sleep must be one second or less\r\nERROR\r\n",
            harness.Send(
                "lru_crawler\r\nlru_crawler crawl all\r\nlru_crawler crawl 1,,2\r\nlru_crawler crawl 0\r\nlru_crawler crawl 64\r\nlru_crawler crawl 1,abc\r\n" +
                "lru_crawler crawl ,\r\nlru_crawler tocrawl 10\r\nlru_crawler tocrawl x\r\nlru_crawler sleep 100\r\nlru_crawler sleep 2000000\r\nlru_crawler foo\r\n"));
        Assert.Equal(
            "ERROR failed to start lru crawler thread\r\nOK\r\nCLIENT_ERROR lru crawler disabled\r\nOK\r\n",
            harness.Send("lru_crawler enable\r\nlru_crawler disable\r\nlru_crawler crawl all\r\nlru_crawler enable\r\n"));
    }

    [Fact]
    public void UnsupportedFeaturesAnswerWithMemcachedsErrors()
    {
        using var harness = new SessionHarness();

        Assert.Equal("CLIENT_ERROR watch commands not allowed\r\n", harness.Send("watch\r\n"));
        Assert.Equal("", harness.Send("watch noreply\r\n"));
        Assert.Equal("Error TLS not enabled\r\nError TLS not enabled\r\n", harness.Send("refresh_certs\r\nrefresh_certs noreply\r\n"));
        Assert.Equal("ERROR\r\nERROR\r\n", harness.Send("misbehave\r\ndebugtime 1\r\n"));
    }

    [Fact]
    public void ExtstoreTunablesAreValidatedAndRecorded()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "ERROR\r\nERROR\r\nOK\r\nOK\r\nERROR\r\nOK\r\nOK\r\nERROR\r\nERROR\r\n",
            harness.Send(
                "extstore\r\nextstore foo bar\r\nextstore item_size 100\r\nextstore free_memchunks 1 2\r\nextstore free_memchunks 64 2\r\n" +
                "extstore max_frag 0.5\r\nextstore drop_unread 5\r\nextstore bogus 1\r\nextstore item_size abc\r\n"));
        Assert.Equal("", harness.Send("extstore item_age 3 noreply\r\n"));
        Assert.Equal(100u, harness.Context.Settings.ExtItemSize);
        Assert.Equal(3u, harness.Context.Settings.ExtItemAge);
        Assert.True(harness.Context.Settings.ExtDropUnread);
    }
}

using System.Text.RegularExpressions;
using Trove.Storage;

namespace Trove.Server.Tests.Session;

/// <summary>Commands that list items: stats items/slabs/sizes, stats cachedump, lru_crawler metadump.</summary>
public sealed partial class SessionDumpTests
{
    [Fact]
    public void CachedumpListsExactlyTheItemsStatsItemsCountsPerClass()
    {
        using var harness = new SessionHarness();
        foreach (int length in new[] { 1, 10, 100, 1000, 10_000, 100_000, 600_000 })
        {
            harness.Send($"set k{length} 0 0 {length}\r\n{new string('v', length)}\r\n");
        }

        EngineStats stats = harness.Engine.GetStats();
        foreach (SlabClassStats c in stats.Classes.Where(c => c.Number > 0))
        {
            string dump = harness.Send($"stats cachedump {c.Id} 0\r\n");

            Assert.Equal(c.Number, ItemLine().Matches(dump).Count);
        }
    }

    [Fact]
    public void SlabClassTableMatchesTheChunkSizesTheEngineReports()
    {
        using var harness = new SessionHarness();
        foreach (int length in new[] { 1, 200, 3000, 40_000, 500_000, 900_000 })
        {
            harness.Send($"set k{length} 0 0 {length}\r\n{new string('v', length)}\r\n");
        }

        foreach (SlabClassStats c in harness.Engine.GetStats().Classes.Where(c => !c.IsLarge))
        {
            Assert.Equal(c.ChunkSize, harness.Context.SlabClasses.ChunkSize(c.Id));
        }
    }

    [Fact]
    public void CachedumpFormatsItemsLikeMemcachedAndHonoursTheLimit()
    {
        using var harness = new SessionHarness();
        harness.Send("set e2 0 0 2\r\nxz\r\nset f 0 100 1\r\n1\r\n");
        long expiry = harness.Time.GetUtcNow().ToUnixTimeSeconds() + 100;

        string dump = harness.Send("stats cachedump 1 0\r\n");

        Assert.Contains("ITEM e2 [2 b; 0 s]\r\n", dump);
        Assert.Contains($"ITEM f [1 b; {expiry} s]\r\n", dump);
        Assert.EndsWith("END\r\n", dump);
        Assert.Single(ItemLine().Matches(harness.Send("stats cachedump 1 1\r\n")));
    }

    [Fact]
    public void MetadumpDescribesEveryItem()
    {
        using var harness = new SessionHarness();
        harness.Send("set a/b 5 0 3\r\nabc\r\nset plain 0 0 1\r\nx\r\nget plain\r\n");
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        long now = harness.Time.GetUtcNow().ToUnixTimeSeconds();

        string dump = harness.Send("lru_crawler metadump all\r\n");

        Assert.Matches($@"key=a%2Fb exp=-1 la={now - 2} cas=\d+ fetch=no cls=1 size=69\n", dump);
        Assert.Matches($@"key=plain exp=-1 la={now - 2} cas=\d+ fetch=yes cls=1 size=65\n", dump);
        Assert.EndsWith("END\r\n", dump);
    }

    /// <summary>Store mode's long keys (over memcached's 250) are dumped whole.</summary>
    [Fact]
    public void DumpsShowLongKeysWhole()
    {
        using var harness = new SessionHarness(engineOptions: new EngineOptions { MaxKeyLength = 20_000 });
        string key = "long/" + new string('k', 19_995);
        Assert.Equal("HD\r\n", harness.Send($"ms {key} 1\r\nx\r\n"));
        SlabClassStats cls = harness.Engine.GetStats().Classes.Single(c => c.Number > 0);

        Assert.Contains($"ITEM {key} [1 b; 0 s]\r\n", harness.Send($"stats cachedump {cls.Id} 0\r\n"));
        Assert.Contains($"key={key.Replace("/", "%2F", StringComparison.Ordinal)} exp=-1 ", harness.Send("lru_crawler metadump all\r\n"));
    }

    [Fact]
    public void MetadumpRefusesToFollowOtherPipelinedCommands()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "VERSION 1.6.18\r\nERROR cannot pipeline other commands before metadump\r\n",
            harness.Send("version\r\nlru_crawler metadump all\r\n"));
        Assert.Equal("BADCLASS invalid class id\r\n", harness.Send("lru_crawler metadump 99\r\n"));
        Assert.Equal("END\r\n", harness.Send("lru_crawler metadump hash\r\n"));
    }

    [Fact]
    public void StatsSizesCountsItemsStoredSinceTrackingBy32ByteBuckets()
    {
        using var harness = new SessionHarness();
        harness.Send("set before 0 0 1\r\nx\r\nset d 0 0 1\r\nx\r\n");
        harness.Send("stats sizes_enable\r\nset c 0 0 10\r\n0123456789\r\nset d 0 0 10\r\n0123456789\r\nset big 1 0 100\r\n" + new string('b', 100) + "\r\n");

        // memcached's item size: 48-byte header, key + NUL, flags if non-zero, value + CRLF, 8-byte CAS.
        Assert.Equal("STAT 96 2\r\nSTAT 192 1\r\nEND\r\n", harness.Send("stats sizes\r\n"));
    }

    [Fact]
    public void StatsItemsAndSlabsFollowMemcachedsLayout()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\nget a\r\n");

        string items = harness.Send("stats items\r\n");
        string slabs = harness.Send("stats slabs\r\n");

        Assert.StartsWith("STAT items:1:number 1\r\nSTAT items:1:number_hot 0\r\nSTAT items:1:number_warm 0\r\nSTAT items:1:number_cold 1\r\n", items);
        Assert.Contains("STAT items:1:hits_to_cold 1\r\nSTAT items:1:hits_to_temp 0\r\nEND\r\n", items);
        Assert.Equal(28, items.Split("\r\n").Count(line => line.StartsWith("STAT items:1:", StringComparison.Ordinal)));
        Assert.StartsWith("STAT 1:chunk_size 96\r\n", slabs);
        Assert.Contains("STAT 1:get_hits 1\r\nSTAT 1:cmd_set 1\r\n", slabs);
        Assert.Matches(@"STAT active_slabs 1\r\nSTAT total_malloced \d+\r\nEND\r\n$", slabs);
    }

    [GeneratedRegex(@"^ITEM \S+ \[\d+ b; \d+ s\]\r$", RegexOptions.Multiline)]
    private static partial Regex ItemLine();
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Trove.Server.Store;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Store;

/// <summary>Store mode in one process: what a node wrote comes back, exactly, in the next node on the same directory.</summary>
public sealed partial class StoreRestartTests : IDisposable
{
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Ten changes, so ten records: set, set with TTL, set+incr, set+delete, set+append, set+touch.</summary>
    private const string Writes =
        "set a 0 0 5\r\nhello\r\n"
        + "set b 42 100 3\r\nxyz\r\n"
        + "set c 7 0 1\r\n1\r\n"
        + "incr c 5\r\n"
        + "set d 0 0 4\r\ngone\r\n"
        + "delete d\r\n"
        + "set e 9 0 2\r\nab\r\n"
        + "append e 0 0 2\r\ncd\r\n"
        + "set f 3 0 3\r\nttl\r\n"
        + "touch f 200\r\n";

    private const string Reads = "mg a v f c t\r\nmg b v f c t\r\nmg c v f c t\r\nmg d v f c t\r\nmg e v f c t\r\nmg f v f c t\r\n";

    [Fact]
    public async Task EveryItemComesBackWithItsValueFlagsCasAndTtlAndDeletedOnesStayGone()
    {
        string before;
        var clock = Stopwatch.StartNew();
        await using (TroveNode first = await StoreNode.StartAsync(_dir.Options()))
        {
            Assert.Equal("STORED\r\nSTORED\r\nSTORED\r\n6\r\nSTORED\r\nDELETED\r\nSTORED\r\nSTORED\r\nSTORED\r\nTOUCHED\r\n",
                await StoreNode.SendAsync(first.Port, Writes));
            before = await StoreNode.SendAsync(first.Port, Reads);
            clock.Restart();
        }

        await using TroveNode second = await StoreNode.StartAsync(_dir.Options());
        string after = await StoreNode.SendAsync(second.Port, Reads);
        long elapsed = (long)Math.Ceiling(clock.Elapsed.TotalSeconds);

        // Everything but the remaining TTLs is identical; those went down by the time between the reads (±1 s of rounding).
        Assert.Equal(TtlPattern().Replace(before, "t?"), TtlPattern().Replace(after, "t?"));
        Assert.Contains("EN\r\n", after); // d
        Assert.Equal(5, TtlPattern().Matches(after).Count); // a, b, c, e, f
        Assert.Equal([-1, 100, -1, -1, 200], Ttls(before));
        int[] ttlsAfter = Ttls(after);
        Assert.Equal([-1, -1, -1], new[] { ttlsAfter[0], ttlsAfter[2], ttlsAfter[3] });
        Assert.InRange(ttlsAfter[1], 100 - elapsed - 1, 100);
        Assert.InRange(ttlsAfter[4], 200 - elapsed - 1, 200);

        Stats stats = await Stats.ReadAsync(second.Port, "stats store");
        Assert.Equal("store", stats.Values["store_mode"]);
        Assert.Equal("always", stats.Values["fsync"]);
        Assert.Equal(10, stats["recovery_items"]);
        Assert.Equal(0, stats["recovery_truncated_bytes"]);
        Assert.Equal(0, stats["store_write_errors"]);
        Assert.Equal(2, stats["log_segments"]); // the first node's, and the one this node appends to
        Assert.True(stats["fsyncs"] >= 1);
        Assert.True(stats["log_bytes"] > 0);
        Assert.True(double.Parse(stats.Values["recovery_seconds"], System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    [Fact]
    public async Task AnInvalidatedItemComesBackStaleWithItsCas()
    {
        string before;
        await using (TroveNode first = await StoreNode.StartAsync(_dir.Options("no")))
        {
            await StoreNode.SendAsync(first.Port, "set k 0 0 1\r\nv\r\nmd k I q\r\n");
            before = await StoreNode.SendAsync(first.Port, "mg k c v\r\n");
        }
        Assert.Contains(" X", before, StringComparison.Ordinal);

        await using TroveNode second = await StoreNode.StartAsync(_dir.Options("no"));
        string after = await StoreNode.SendAsync(second.Port, "mg k c v\r\n");
        Assert.Contains(" X", after, StringComparison.Ordinal); // still stale: memcached would serve it as such
        Assert.Equal(Cas(before), Cas(after));
    }

    [Fact]
    public async Task NewWritesAfterARestartGetCasValuesAboveEveryRecoveredOne()
    {
        ulong highest;
        await using (TroveNode first = await StoreNode.StartAsync(_dir.Options("no")))
        {
            await StoreNode.SendAsync(first.Port, "set x 0 0 1\r\n1\r\nset y 0 0 1\r\n2\r\nset y 0 0 1\r\n3\r\n");
            highest = Cas(await StoreNode.SendAsync(first.Port, "mg y c\r\n"));
        }

        await using TroveNode second = await StoreNode.StartAsync(_dir.Options("no"));
        Assert.Equal(highest, Cas(await StoreNode.SendAsync(second.Port, "mg y c\r\n")));
        await StoreNode.SendAsync(second.Port, "set z 0 0 1\r\n4\r\n");
        Assert.True(Cas(await StoreNode.SendAsync(second.Port, "mg z c\r\n")) > highest);
    }

    [Fact]
    public async Task FlushAllIsRefusedInStoreModeBecauseItIsNotLogged()
    {
        await using TroveNode node = await StoreNode.StartAsync(_dir.Options());
        Assert.Equal("STORED\r\nSERVER_ERROR flush_all is not supported in store mode\r\nVALUE a 0 1\r\n1\r\nEND\r\n",
            await StoreNode.SendAsync(node.Port, "set a 0 0 1\r\n1\r\nflush_all\r\nget a\r\n"));
    }

    [Fact]
    public async Task CacheModeShowsItsModeAndWritesNothing()
    {
        await using TroveNode node = await StoreNode.StartAsync(new StoreOptions());
        Assert.Equal("STORED\r\n", await StoreNode.SendAsync(node.Port, "set a 0 0 1\r\n1\r\n"));
        Stats stats = await Stats.ReadAsync(node.Port, "stats store");
        Assert.Equal(["store_mode"], stats.Values.Keys);
        Assert.Equal("cache", stats.Values["store_mode"]);
        Assert.Empty(Directory.GetFiles(_dir.DataDir));
    }

    [Fact]
    public async Task ATornTailIsTruncatedAndCounted()
    {
        await using (TroveNode first = await StoreNode.StartAsync(_dir.Options()))
        {
            await StoreNode.SendAsync(first.Port, "set a 0 0 1\r\n1\r\n");
        }

        // The start of a record's frame that never got its body: what a crash in the middle of a write leaves.
        string last = Directory.GetFiles(_dir.DataDir, "log-*.trv").Order(StringComparer.Ordinal).Last();
        await File.AppendAllBytesAsync(last, [0x20, 0x00, 0x00, 0x00, 0x01]);

        await using TroveNode second = await StoreNode.StartAsync(_dir.Options());
        Assert.Equal("VA 1\r\n1\r\n", await StoreNode.SendAsync(second.Port, "mg a v\r\n"));
        Stats stats = await Stats.ReadAsync(second.Port, "stats store");
        Assert.Equal(5, stats["recovery_truncated_bytes"]);
        Assert.Equal(1, stats["recovery_items"]);
    }

    [Fact]
    public async Task DamageInTheMiddleOfTheLogRefusesToStartAndSaysWhere()
    {
        await using (TroveNode first = await StoreNode.StartAsync(_dir.Options()))
        {
            await StoreNode.SendAsync(first.Port, "set a 0 0 8\r\nAAAAAAAA\r\nset b 0 0 1\r\n1\r\n");
        }

        string segment = Directory.GetFiles(_dir.DataDir, "log-*.trv").Single();
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        int at = IndexOf(bytes, "AAAAAAAA"u8);
        bytes[at] = (byte)'B'; // a checksum mismatch with a valid record after it: damage, not a crash
        await File.WriteAllBytesAsync(segment, bytes);

        var refused = await Assert.ThrowsAsync<StoreCorruptException>(() => StoreNode.StartAsync(_dir.Options()));
        Assert.Equal(segment, refused.Result.CorruptFile);
        Assert.Equal(25, refused.Result.CorruptOffset); // right after the 25-byte segment header
        Assert.Contains(segment, refused.Message);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(segment)); // nothing repaired behind the operator's back
    }

    [Fact]
    public async Task CompactionKeepsOnlyLiveRecordsAndTheDataSurvivesIt()
    {
        StoreOptions options = _dir.Options("no");
        options.SegmentSizeBytes = 4096;
        options.CompactionMinimumBytes = 0;
        string value = new('v', 100);
        await using (TroveNode first = await StoreNode.StartAsync(options))
        {
            var script = new System.Text.StringBuilder();
            for (int i = 0; i < 300; i++)
            {
                script.Append($"set k{i % 10} 0 0 {value.Length + 4}\r\n{i:D4}{value}\r\n");
            }
            await StoreNode.SendAsync(first.Port, script.ToString());
            await StoreNode.SendAsync(first.Port, "delete k9\r\n");

            NodeStore store = first.Context.Store!;
            int segmentsBefore = store.LogSegments();
            long bytesBefore = store.LogBytes();
            Assert.True(segmentsBefore > 3, $"{segmentsBefore} segments");
            Assert.True(store.CompactIfDue());
            Assert.Equal(2, store.LogSegments()); // the compacted one and the active one
            Assert.True(store.LogBytes() < bytesBefore / 4, $"{store.LogBytes()} of {bytesBefore}");
            Assert.Equal(1, store.Compactions);
        }

        await using TroveNode second = await StoreNode.StartAsync(options);
        for (int k = 0; k < 9; k++)
        {
            Assert.Equal($"VALUE k{k} 0 104\r\n{290 + k:D4}{value}\r\nEND\r\n", await StoreNode.SendAsync(second.Port, $"get k{k}\r\n"));
        }
        Assert.Equal("END\r\n", await StoreNode.SendAsync(second.Port, "get k9\r\n"));
    }

    private static int[] Ttls(string reply) =>
        [.. TtlPattern().Matches(reply).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static ulong Cas(string reply) => ulong.Parse(CasPattern().Match(reply).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    [GeneratedRegex(@" t(-?\d+)")]
    private static partial Regex TtlPattern();

    [GeneratedRegex(@" c(\d+)")]
    private static partial Regex CasPattern();
}

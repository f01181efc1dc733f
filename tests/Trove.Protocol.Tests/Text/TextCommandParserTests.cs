using System.Text;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests.Text;

/// <summary>Expected outcomes were checked against memcached 1.6.18.</summary>
public sealed class TextCommandParserTests
{
    [Theory]
    [InlineData("get a", MemcacheCommand.Get)]
    [InlineData("gets a b", MemcacheCommand.Gets)]
    [InlineData("gat 10 a", MemcacheCommand.Gat)]
    [InlineData("gats 10 a", MemcacheCommand.Gats)]
    [InlineData("bget a", MemcacheCommand.Bget)]
    [InlineData("set k 0 0 1", MemcacheCommand.Set)]
    [InlineData("add k 0 0 1", MemcacheCommand.Add)]
    [InlineData("replace k 0 0 1", MemcacheCommand.Replace)]
    [InlineData("append k 0 0 1", MemcacheCommand.Append)]
    [InlineData("prepend k 0 0 1", MemcacheCommand.Prepend)]
    [InlineData("cas k 0 0 1 5", MemcacheCommand.Cas)]
    [InlineData("delete k", MemcacheCommand.Delete)]
    [InlineData("incr k 1", MemcacheCommand.Incr)]
    [InlineData("decr k 1", MemcacheCommand.Decr)]
    [InlineData("touch k 10", MemcacheCommand.Touch)]
    [InlineData("flush_all", MemcacheCommand.FlushAll)]
    [InlineData("version", MemcacheCommand.Version)]
    [InlineData("version with extra tokens", MemcacheCommand.Version)]
    [InlineData("verbosity 1", MemcacheCommand.Verbosity)]
    [InlineData("quit", MemcacheCommand.Quit)]
    [InlineData("shutdown", MemcacheCommand.Shutdown)]
    [InlineData("cache_memlimit 64", MemcacheCommand.CacheMemlimit)]
    [InlineData("stats", MemcacheCommand.Stats)]
    [InlineData("slabs reassign 1 2", MemcacheCommand.Slabs)]
    [InlineData("lru_crawler crawl all", MemcacheCommand.LruCrawler)]
    [InlineData("lru mode flat", MemcacheCommand.Lru)]
    [InlineData("watch", MemcacheCommand.Watch)]
    [InlineData("extstore item_size 100", MemcacheCommand.Extstore)]
    [InlineData("refresh_certs", MemcacheCommand.RefreshCerts)]
    [InlineData("mg key v", MemcacheCommand.Meta)]
    [InlineData("ms key 2", MemcacheCommand.Meta)]
    [InlineData("mn", MemcacheCommand.Meta)]
    [InlineData("me key", MemcacheCommand.Meta)]
    [InlineData("GET / HTTP/1.1", MemcacheCommand.HttpRequest)]
    [InlineData("xy HTTP/1.0", MemcacheCommand.HttpRequest)]
    public void ParseIdentifiesCommands(string line, MemcacheCommand expected)
    {
        TextRequest request = Parse(line);

        Assert.Equal(expected, request.Command);
        Assert.Equal(TextError.None, request.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("x")]
    [InlineData("x HTTP/1.1")]
    [InlineData("mz")]
    [InlineData("mq HTTP/1.1")]
    [InlineData("get")]
    [InlineData("getx a")]
    [InlineData("gat")]
    [InlineData("set k 0 0")]
    [InlineData("set k 0 0 1 2 3")]
    [InlineData("set k 0 0 1 2 noreply")]
    [InlineData("cas k 0 0 1")]
    [InlineData("delete")]
    [InlineData("delete a b c d")]
    [InlineData("incr a")]
    [InlineData("touch a")]
    [InlineData("flush_all 1 2 3")]
    [InlineData("verbosity")]
    [InlineData("cache_memlimit")]
    [InlineData("lru")]
    [InlineData("extstore")]
    [InlineData("foo bar")]
    [InlineData("GET / HTTP/1.1 trailing")]
    public void ParseAnswersErrorForUnknownCommandsAndWrongTokenCounts(string line)
    {
        TextRequest request = Parse(line);

        Assert.Equal(TextError.Error, request.Error);
        Assert.False(request.NoReply);
    }

    [Theory]
    [InlineData("set k 0 0 abc", TextError.BadCommandLineFormat, false)]
    [InlineData("set k 0 0 -1", TextError.BadCommandLineFormat, false)]
    [InlineData("set k abc 0 1", TextError.BadCommandLineFormat, false)]
    [InlineData("set k -1 0 1", TextError.BadCommandLineFormat, false)]
    [InlineData("set k 0 0 2147483647", TextError.BadCommandLineFormat, false)]
    [InlineData("set k 0 0 abc noreply", TextError.BadCommandLineFormat, true)]
    [InlineData("set k 0 0 noreply", TextError.BadCommandLineFormat, true)]
    [InlineData("cas k 0 0 1 abc", TextError.BadCommandLineFormat, false)]
    [InlineData("gat abc k", TextError.InvalidExptime, false)]
    [InlineData("touch k abc", TextError.InvalidExptime, false)]
    [InlineData("incr k abc", TextError.InvalidDelta, false)]
    [InlineData("incr k -1", TextError.InvalidDelta, false)]
    [InlineData("decr k abc noreply", TextError.InvalidDelta, true)]
    [InlineData("delete k 1", TextError.DeleteUsage, false)]
    [InlineData("delete k 0 0", TextError.DeleteUsage, false)]
    [InlineData("delete k 1 noreply", TextError.DeleteUsage, true)]
    [InlineData("flush_all abc", TextError.InvalidExptime, false)]
    [InlineData("flush_all abc noreply", TextError.InvalidExptime, true)]
    [InlineData("verbosity abc", TextError.BadCommandLineFormat, false)]
    [InlineData("verbosity noreply", TextError.BadCommandLineFormat, true)]
    [InlineData("cache_memlimit abc", TextError.Error, false)]
    public void ParseReportsArgumentErrorsAndWhetherNoreplyWasSeenFirst(string line, TextError error, bool noReply)
    {
        TextRequest request = Parse(line);

        Assert.Equal(error, request.Error);
        Assert.Equal(noReply, request.NoReply);
    }

    [Fact]
    public void ParseRejectsKeysLongerThan250Bytes()
    {
        string key250 = new('k', 250);
        string key251 = new('k', 251);

        Assert.Equal(TextError.None, Parse($"set {key250} 0 0 1").Error);
        Assert.Equal(TextError.BadCommandLineFormat, Parse($"set {key251} 0 0 1").Error);
        Assert.Equal(TextError.BadCommandLineFormat, Parse($"delete {key251}").Error);
        Assert.Equal(TextError.BadCommandLineFormat, Parse($"incr {key251} 1").Error);
        Assert.Equal(TextError.BadCommandLineFormat, Parse($"touch {key251} 1").Error);
    }

    [Fact]
    public void ParseReadsStorageArguments()
    {
        byte[] line = Encoding.ASCII.GetBytes("cas mykey 4294967297 -5 10 42 noreply");

        TextCommandParser.Parse(line, out TextRequest request);

        Assert.Equal(MemcacheCommand.Cas, request.Command);
        Assert.Equal("mykey", Encoding.ASCII.GetString(request.Key.Of(line)));
        Assert.Equal(1u, request.Flags);
        Assert.Equal(-5, request.Exptime);
        Assert.Equal(10, request.DataLength);
        Assert.Equal(42ul, request.CasUnique);
        Assert.True(request.NoReply);
        Assert.True(request.HasDataBlock);
    }

    [Theory]
    [InlineData("set k 0 0 1 foo", false)]
    [InlineData("set k 0 0 1 noreply", true)]
    [InlineData("delete k noreply", true)]
    [InlineData("delete k 0", false)]
    [InlineData("delete k 0 noreply", true)]
    [InlineData("touch k 10 noreply", true)]
    [InlineData("get k noreply", false)]
    public void ParseTakesNoreplyOnlyFromTheLastTokenOfCommandsThatAllowIt(string line, bool noReply)
    {
        TextRequest request = Parse(line);

        Assert.Equal(TextError.None, request.Error);
        Assert.Equal(noReply, request.NoReply);
    }

    [Theory]
    [InlineData("get a b", 4)]
    [InlineData("gat 10 a b", 7)]
    [InlineData("gat 10", 6)]
    [InlineData("bget   a", 7)]
    public void ParseLocatesTheFirstKeyOfRetrievals(string line, int keysStart)
    {
        Assert.Equal(keysStart, Parse(line).KeysStart);
    }

    [Theory]
    [InlineData("flush_all", false, 0)]
    [InlineData("flush_all noreply", false, 0)]
    [InlineData("flush_all 10", true, 10)]
    [InlineData("flush_all 10 noreply", true, 10)]
    [InlineData("flush_all 0 foo", true, 0)]
    [InlineData("flush_all -1", true, -1)]
    public void ParseReadsTheFlushDelayOnlyWhereMemcachedDoes(string line, bool hasDelay, int delay)
    {
        TextRequest request = Parse(line);

        Assert.Equal(TextError.None, request.Error);
        Assert.Equal(hasDelay, request.HasDelay);
        Assert.Equal(delay, request.Exptime);
    }

    [Theory]
    [InlineData("get a\r", "get a")]
    [InlineData("\r", "\r")]
    [InlineData("get a\0 b\r", "get a")]
    [InlineData("\0get a", "")]
    [InlineData("set k 0 0 1\r\r", "set k 0 0 1\r")]
    public void CommandTextDropsOneCarriageReturnAndEndsAtNul(string raw, string expected)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(raw);

        Assert.Equal(expected, Encoding.ASCII.GetString(TextCommandParser.CommandText(bytes)));
    }

    [Fact]
    public void ParseAcceptsANumberEndedByACarriageReturn()
    {
        TextRequest request = Parse("set k 0 0 1\r");

        Assert.Equal(TextError.None, request.Error);
        Assert.Equal(1, request.DataLength);
    }

    private static TextRequest Parse(string line)
    {
        TextCommandParser.Parse(Encoding.ASCII.GetBytes(line), out TextRequest request);
        return request;
    }
}

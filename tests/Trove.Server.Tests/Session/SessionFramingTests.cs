using System.Text;
using Trove.Server.Memcache;

namespace Trove.Server.Tests.Session;

/// <summary>How the session consumes input: splits, partial values, swallowing, closing.</summary>
public sealed class SessionFramingTests
{
    private const string Script =
        "set a 0 0 5\r\nhello\r\n" +
        "set b 7 0 0 noreply\r\n\r\n" +
        "get a b missing\r\n" +
        "gets a\r\n" +
        "append a 0 0 3\r\n!!!\r\n" +
        "incr a 1\r\n" +
        "set n 0 0 1\r\n9\r\nincr n 1\r\ndecr n 3\r\n" +
        "delete b\r\ndelete b noreply\r\n" +
        "set k 0 0 3\r\nhelloworld\r\n" +
        "touch a 100\r\nbogus\r\n" +
        "get a\0ignored\r\n" +
        "version\n";

    [Fact]
    public void EverySplitIntoTwoReadsGivesTheSameReplies()
    {
        string expected = RunWhole(Script);
        byte[] bytes = Encoding.Latin1.GetBytes(Script);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            using var harness = new SessionHarness();
            string replies = harness.Send(bytes[..cut]) + harness.Send(bytes[cut..]);

            Assert.Equal(expected, replies);
            Assert.Equal(0, harness.Unconsumed);
        }
    }

    [Fact]
    public void OneByteReadsGiveTheSameReplies()
    {
        string expected = RunWhole(Script);
        using var harness = new SessionHarness();

        Assert.Equal(expected, harness.SendByteByByte(Script));
        Assert.Equal(0, harness.Unconsumed);
    }

    [Fact]
    public void EverySegmentSplitOfOneReadGivesTheSameReplies()
    {
        string expected = RunWhole(Script);
        byte[] bytes = Encoding.Latin1.GetBytes(Script);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            using var harness = new SessionHarness();

            Assert.Equal(expected, harness.Send(bytes, data => Sequences.Split(data, cut)));
        }
        using var oneByteSegments = new SessionHarness();
        Assert.Equal(expected, oneByteSegments.Send(bytes, data => Sequences.OneBytePerSegment(data)));
    }

    [Fact]
    public void ScriptRepliesMatchMemcached()
    {
        string replies = RunWhole(Script);

        Assert.StartsWith(
            "STORED\r\nVALUE a 0 5\r\nhello\r\nVALUE b 7 0\r\n\r\nEND\r\nVALUE a 0 5 ",
            replies);
        Assert.EndsWith(
            "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nSTORED\r\n10\r\n7\r\nDELETED\r\n" +
            "CLIENT_ERROR bad data chunk\r\nERROR\r\nTOUCHED\r\nERROR\r\nVALUE a 0 8\r\nhello!!!\r\nEND\r\nVERSION 1.6.18\r\n",
            replies);
    }

    [Fact]
    public void PartialValueIsConsumedAsItArrives()
    {
        using var harness = new SessionHarness();
        string value = new('v', 100_000);

        Assert.Equal("", harness.Send("set big 0 0 100000\r\n" + value[..30_000]));
        Assert.Equal(0, harness.Unconsumed);
        Assert.Equal("", harness.Send(value[30_000..]));
        Assert.Equal(0, harness.Unconsumed);
        Assert.Equal("STORED\r\n", harness.Send("\r\n"));
        Assert.Equal($"VALUE big 0 100000\r\n{value}\r\nEND\r\n", harness.Send("get big\r\n"));
    }

    [Fact]
    public void PartialCommandLineIsNotConsumed()
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send("get a"));
        Assert.Equal(5, harness.Unconsumed);
        Assert.Equal("END\r\n", harness.Send("\r\n"));
    }

    [Fact]
    public void TooLargeValueIsSwallowedAsItArrivesAndAnsweredOnceDiscarded()
    {
        using var harness = new SessionHarness();
        harness.Send("set old 0 0 1\r\nx\r\n");
        byte[] chunk = Enumerable.Repeat((byte)'y', 500_000).ToArray();

        // Like memcached, the error is held back until the rejected value has been read and thrown away.
        Assert.Equal("", harness.Send("set old 0 0 2000000\r\n"));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal("", harness.Send(chunk));
            Assert.Equal(0, harness.Unconsumed);
        }

        // The value's "\r\n" is swallowed too; a failed set also drops the old value.
        Assert.Equal("SERVER_ERROR object too large for cache\r\nEND\r\n", harness.Send("\r\nget old\r\n"));
    }

    [Fact]
    public void TooLargeAddKeepsTheOldValueAndNoreplyHidesTheError()
    {
        using var harness = new SessionHarness();
        harness.Send("set old 0 0 1\r\nx\r\n");
        string big = new('y', 2_000_000);

        Assert.Equal("SERVER_ERROR object too large for cache\r\nVALUE old 0 1\r\nx\r\nEND\r\n", harness.Send($"add old 0 0 2000000\r\n{big}\r\nget old\r\n"));
        Assert.Equal("END\r\n", harness.Send($"set old 0 0 2000000 noreply\r\n{big}\r\nget old\r\n"));
    }

    [Fact]
    public void UnterminatedJunkOver2048BytesClosesTheConnection()
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send(new string('x', 2048)));
        Assert.Equal(SessionResult.Continue, harness.LastResult);
        harness.Send("x");

        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    [Fact]
    public void UnterminatedMultiGetKeepsWaiting()
    {
        using var harness = new SessionHarness();

        harness.Send("get " + new string('k', 3000));
        Assert.Equal(SessionResult.Continue, harness.LastResult);

        Assert.Equal("CLIENT_ERROR bad command line format\r\n", harness.Send("\r\n"));
    }

    [Fact]
    public void QuitClosesAfterTheRepliesBeforeIt()
    {
        using var harness = new SessionHarness();

        Assert.Equal("VERSION 1.6.18\r\n", harness.Send("version\r\nquit extra tokens\r\nversion\r\n"));
        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("foo HTTP/1.0\r\n")]
    public void HttpRequestClosesTheConnection(string request)
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send(request));
        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    private static string RunWhole(string script)
    {
        using var harness = new SessionHarness();
        return harness.Send(script);
    }
}

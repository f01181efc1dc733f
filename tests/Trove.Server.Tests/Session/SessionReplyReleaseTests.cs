using System.Text.RegularExpressions;
using Trove.Server.Memcache;

namespace Trove.Server.Tests.Session;

/// <summary>
/// When replies leave the session. memcached queues replies and sends them at the end of the input, before a get's
/// values, after mn and every 20 commands; some events throw away what is queued. Counts checked against 1.6.18.
/// </summary>
public sealed class SessionReplyReleaseTests
{
    private static readonly string OverlongGet = $"get a {new string('k', 251)}\r\n";

    [Fact]
    public void OverlongKeyDiscardsRepliesOfEarlierCommandsStillQueued()
    {
        using var harness = new SessionHarness();

        Assert.Equal("CLIENT_ERROR bad command line format\r\nVERSION 1.6.18\r\n", harness.Send("set a 0 0 1\r\n1\r\nversion\r\n" + OverlongGet + "version\r\n"));
    }

    [Fact]
    public void OverlongKeyKeepsRepliesAGetAlreadySent()
    {
        using var harness = new SessionHarness();

        Assert.Equal(
            "STORED\r\nVALUE a 0 1\r\n1\r\nEND\r\nCLIENT_ERROR bad command line format\r\n",
            harness.Send("set a 0 0 1\r\n1\r\nget a\r\n" + OverlongGet));
    }

    [Theory]
    [InlineData(19, 1)]
    [InlineData(20, 1)]
    [InlineData(21, 22)]
    [InlineData(22, 22)]
    [InlineData(41, 42)]
    [InlineData(42, 42)]
    public void RepliesAreSentEveryTwentyCommandsAsMemcachedYields(int versions, int versionsSeen)
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(string.Concat(Enumerable.Repeat("version\r\n", versions)) + OverlongGet + "version\r\n");

        Assert.Equal(versionsSeen, Regex.Count(replies, "VERSION"));
        Assert.EndsWith("CLIENT_ERROR bad command line format\r\nVERSION 1.6.18\r\n", replies);
    }

    [Fact]
    public void EveryTwentyFirstCommandCountsAYield()
    {
        using var harness = new SessionHarness();

        harness.Send(string.Concat(Enumerable.Repeat("version\r\n", 41)));

        Assert.Equal(2, harness.Context.Counters.Read(ProtocolCounter.ConnYields));
    }

    [Fact]
    public void RepliesWaitWhileAValueIsStillArriving()
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send("version\r\nset k 0 0 10\r\nabc"));
        Assert.Equal("VERSION 1.6.18\r\nSTORED\r\n", harness.Send("defghij\r\n"));
    }

    [Fact]
    public void HangingUpOnHttpDropsQueuedReplies()
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send("version\r\nGET / HTTP/1.1\r\n"));
        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    [Fact]
    public void HangingUpOnJunkDropsQueuedReplies()
    {
        using var harness = new SessionHarness();

        Assert.Equal("", harness.Send("version\r\n" + new string('x', 3000)));
        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    [Fact]
    public void MnSendsWhatIsQueued()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send("version\r\nmn\r\n" + OverlongGet);

        Assert.StartsWith("VERSION 1.6.18\r\n", replies);
        Assert.EndsWith("CLIENT_ERROR bad command line format\r\n", replies);
    }
}

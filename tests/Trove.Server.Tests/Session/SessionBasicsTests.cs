namespace Trove.Server.Tests.Session;

/// <summary>Replies expected here were checked byte for byte against memcached 1.6.18.</summary>
public sealed class SessionBasicsTests
{
    [Fact]
    public void SetThenGetReturnsTheStoredValue()
    {
        using var harness = new SessionHarness();

        Assert.Equal("STORED\r\n", harness.Send("set greeting 42 0 5\r\nhello\r\n"));
        Assert.Equal("VALUE greeting 42 5\r\nhello\r\nEND\r\n", harness.Send("get greeting\r\n"));
    }

    [Fact]
    public void PipelinedRequestsInOneBufferAreAnsweredInOrder()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send("set a 0 0 1\r\n1\r\nset b 0 0 2\r\n22\r\nget a b c\r\ndelete a\r\nget a\r\n");

        Assert.Equal("STORED\r\nSTORED\r\nVALUE a 0 1\r\n1\r\nVALUE b 0 2\r\n22\r\nEND\r\nDELETED\r\nEND\r\n", replies);
        Assert.Equal(0, harness.Unconsumed);
    }

    [Fact]
    public void LinesMayEndWithANewlineAlone()
    {
        using var harness = new SessionHarness();

        Assert.Equal("STORED\r\nVALUE k 0 3\r\nabc\r\nEND\r\n", harness.Send("set k 0 0 3\nabc\r\nget k\n"));
    }

    [Fact]
    public void DataBlockMustEndWithCarriageReturnNewline()
    {
        using var harness = new SessionHarness();

        // The declared 3 bytes and two more are read; the rest of the line is then parsed as a command.
        Assert.Equal("CLIENT_ERROR bad data chunk\r\nERROR\r\n", harness.Send("set k 0 0 3\r\nhelloworld\r\n"));
        Assert.Equal("CLIENT_ERROR bad data chunk\r\nERROR\r\n", harness.Send("set k 0 0 3\r\nabc\nget k\r\n"));
        Assert.Equal("END\r\n", harness.Send("get k\r\n"));
    }

    [Fact]
    public void BadCommandLineDoesNotSwallowTheDataLine()
    {
        using var harness = new SessionHarness();

        Assert.Equal("CLIENT_ERROR bad command line format\r\nERROR\r\n", harness.Send("set k 0 0 abc\r\nhello\r\n"));
        Assert.Equal("CLIENT_ERROR bad command line format\r\nERROR\r\n", harness.Send("set k 0 0 -1\r\nhello\r\n"));
        Assert.Equal("ERROR\r\nERROR\r\n", harness.Send("set k 0 0 1 2 3\r\nx\r\n"));
    }

    [Fact]
    public void NoreplySuppressesSuccessAndErrorsFoundAfterIt()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(
            "set k 0 0 1 noreply\r\nx\r\n" +
            "set k 0 0 abc noreply\r\nhello\r\n" + // error suppressed, then "hello" is an unknown command
            "set k 0 0 3 noreply\r\nhello\r\n" + // bad data chunk suppressed, then "\r\n" is an empty command
            "delete missing noreply\r\n" +
            "incr k abc noreply\r\n" +
            "touch k 10 noreply\r\n" +
            "set k 0 0 1 2 noreply\r\nx\r\n" + // wrong token count is answered before noreply is seen
            "get k\r\n");

        Assert.Equal("ERROR\r\nERROR\r\nERROR\r\nERROR\r\nVALUE k 0 1\r\nx\r\nEND\r\n", replies);
    }

    [Fact]
    public void GetAcceptsManyKeysBeyondTheTokenLimit()
    {
        using var harness = new SessionHarness();
        harness.Send("set k2 0 0 1\r\nx\r\nset k39 0 0 2\r\nyy\r\n");

        string keys = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"k{i}"));

        Assert.Equal("VALUE k2 0 1\r\nx\r\nVALUE k39 0 2\r\nyy\r\nEND\r\n", harness.Send($"get {keys}\r\n"));
        Assert.Equal("VALUE k2 0 1\r\nx\r\nVALUE k39 0 2\r\nyy\r\nEND\r\n", harness.Send($"gat 0 {keys}\r\n"));
    }

    [Fact]
    public void OverlongKeyInAGetDiscardsTheValuesBeforeIt()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\n");
        string longKey = new('k', 251);

        Assert.Equal("CLIENT_ERROR bad command line format\r\n", harness.Send($"get a {longKey} a\r\n"));
        Assert.Equal("VALUE a 0 1\r\n1\r\nVALUE a 0 1\r\n1\r\nEND\r\n", harness.Send($"get a {longKey[..250]} a\r\n"));
    }

    [Fact]
    public void GetsReturnsTheCasThatCasAccepts()
    {
        using var harness = new SessionHarness();
        harness.Send("set k 0 0 1\r\nx\r\n");

        string gets = harness.Send("gets k\r\n");
        string cas = gets.Split("\r\n")[0].Split(' ')[4];

        Assert.Equal("EXISTS\r\n", harness.Send($"cas k 0 0 1 {ulong.Parse(cas) + 1}\r\ny\r\n"));
        Assert.Equal("STORED\r\n", harness.Send($"cas k 0 0 1 {cas}\r\ny\r\n"));
        Assert.Equal("NOT_FOUND\r\n", harness.Send("cas nokey 0 0 1 5\r\nx\r\n"));
    }

    [Fact]
    public void FlagsAreTruncatedToThirtyTwoBitsLikeMemcached()
    {
        using var harness = new SessionHarness();

        harness.Send("set k 18446744073709551615 0 1\r\nx\r\n");

        Assert.Equal("VALUE k 4294967295 1\r\nx\r\nEND\r\n", harness.Send("get k\r\n"));
    }

    [Fact]
    public void StorageModesAnswerLikeMemcached()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(
            "append nokey 0 0 1\r\nx\r\nprepend nokey 0 0 1\r\nx\r\nreplace nokey 0 0 1\r\nx\r\n" +
            "add e2 5 0 1\r\nx\r\nadd e2 0 0 1\r\ny\r\nappend e2 9 0 1\r\nz\r\nprepend e2 9 0 1\r\na\r\nget e2\r\n");

        Assert.Equal("NOT_STORED\r\nNOT_STORED\r\nNOT_STORED\r\nSTORED\r\nNOT_STORED\r\nSTORED\r\nSTORED\r\nVALUE e2 5 3\r\naxz\r\nEND\r\n", replies);
    }

    [Fact]
    public void NegativeExptimeStoresAnAlreadyExpiredItem()
    {
        using var harness = new SessionHarness();

        Assert.Equal("STORED\r\nEND\r\n", harness.Send("set e 0 -1 1\r\nx\r\nget e\r\n"));
    }

    [Fact]
    public void DeleteAcceptsOnlyTheLegacyForms()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\n");

        Assert.Equal("DELETED\r\n", harness.Send("delete a 0\r\n"));
        Assert.Equal("", harness.Send("delete a noreply\r\n"));
        Assert.Equal("", harness.Send("delete a 0 noreply\r\n"));
        Assert.Equal("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n", harness.Send("delete a 1\r\n"));
        Assert.Equal("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n", harness.Send("delete a 0 0\r\n"));
        Assert.Equal("ERROR\r\n", harness.Send("delete a b c d\r\n"));
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", harness.Send($"delete {new string('k', 251)}\r\n"));
        Assert.Equal("NOT_FOUND\r\n", harness.Send("delete a\r\n"));
    }

    [Fact]
    public void IncrAndDecrFollowMemcachedArithmetic()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(
            "incr n 1\r\nset n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr n abc\r\nincr n -1\r\n" +
            "incr n 18446744073709551615\r\nincr n 1\r\nset s 0 0 2\r\nab\r\nincr s 1\r\n");

        Assert.Equal(
            "NOT_FOUND\r\nSTORED\r\n15\r\n0\r\nCLIENT_ERROR invalid numeric delta argument\r\nCLIENT_ERROR invalid numeric delta argument\r\n" +
            "18446744073709551615\r\n0\r\nSTORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n",
            replies);
    }

    [Fact]
    public void TouchAnswersTouchedOrNotFound()
    {
        using var harness = new SessionHarness();

        Assert.Equal("NOT_FOUND\r\n", harness.Send("touch t 10\r\n"));
        Assert.Equal("STORED\r\nTOUCHED\r\nTOUCHED\r\n", harness.Send("set t 0 0 1\r\nx\r\ntouch t 10\r\ntouch t 10 noreply\r\ntouch t 10 x\r\n"));
        Assert.Equal("CLIENT_ERROR invalid exptime argument\r\n", harness.Send("touch t abc\r\n"));
    }

    [Fact]
    public void GatChangesTheExpiry()
    {
        using var harness = new SessionHarness();
        harness.Send("set k 0 0 1\r\nx\r\n");

        Assert.Equal("VALUE k 0 1\r\nx\r\nEND\r\n", harness.Send("gat 10 k\r\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal("END\r\n", harness.Send("get k\r\n"));
        Assert.Equal("CLIENT_ERROR invalid exptime argument\r\n", harness.Send("gat abc k\r\n"));
    }

    [Fact]
    public void UnknownAndMalformedCommandsAnswerError()
    {
        using var harness = new SessionHarness();

        Assert.Equal("ERROR\r\nERROR\r\nERROR\r\nERROR\r\nERROR\r\nERROR\r\n", harness.Send("\r\n \r\nx\r\nm\r\nmz\r\ngetx a\r\n"));
    }

    [Fact]
    public void NulByteEndsTheCommand()
    {
        using var harness = new SessionHarness();
        harness.Send("set a 0 0 1\r\n1\r\n");

        Assert.Equal("VALUE a 0 1\r\n1\r\nEND\r\n", harness.Send("get a\0junk\r\n"));
        Assert.Equal("ERROR\r\n", harness.Send("\0get a\r\n"));
    }
}

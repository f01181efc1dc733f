using Trove.Server.Memcache;
using Trove.Server.Memcache.Auth;

namespace Trove.Server.Tests.Session;

/// <summary>
/// The text protocol's authentication phase in the session, without sockets: framing limits and state that the
/// differential tests (Auth/AuthDifferentialTests) cannot pin down byte for byte.
/// </summary>
public sealed class SessionAuthTests : IDisposable
{
    private readonly SessionHarness _harness = new(credentials: CredentialStore.FromText("alice:secret\n"));

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void AuthenticatingMarksTheConnectionAndStoresNothing()
    {
        Assert.False(_harness.Connection!.IsAuthenticated);

        Assert.Equal("STORED\r\n", _harness.Send("set creds 0 0 12\r\nalice secret\r\n"));

        Assert.True(_harness.Connection.IsAuthenticated);
        Assert.Equal("END\r\n", _harness.Send("get creds\r\n"));
        Assert.Equal(0, _harness.Context.Engine.GetStats().TotalItems);
    }

    [Fact]
    public void CredentialsArrivingOneByteAtATimeAuthenticate()
    {
        Assert.Equal("STORED\r\n", _harness.SendByteByByte("set creds 0 0 12\r\nalice secret\r\n"));
        Assert.Equal("STORED\r\n", _harness.Send("set k 0 0 1\r\nv\r\n"));
    }

    [Fact]
    public void AuthCountersCountCheckedCredentialsOnly()
    {
        _harness.Send("get x\r\n");
        _harness.Send("set x 0 0 5\r\nalice\r\n");
        _harness.Send("set x 0 0 11\r\nalice wrong\r\n");
        _harness.Send("set x 0 0 12\r\nalice secret\r\n");

        Assert.Equal(2, _harness.Context.Counters.Read(ProtocolCounter.AuthCmds));
        Assert.Equal(1, _harness.Context.Counters.Read(ProtocolCounter.AuthErrors));
    }

    [Fact]
    public void MoreThan2048BytesWithoutANewlineCloseTheConnection()
    {
        Assert.Equal("", _harness.Send(new string('x', 2048)));
        Assert.Equal(SessionResult.Continue, _harness.LastResult);

        Assert.Equal("", _harness.Send("x"));
        Assert.Equal(SessionResult.Close, _harness.LastResult);
    }

    [Fact]
    public void AValueThatCannotFitMemcachedsReadBufferClosesTheConnection()
    {
        Assert.Equal("", _harness.Send("set x 0 0 16382\r\n"));
        Assert.Equal(SessionResult.Continue, _harness.LastResult);

        using var other = new SessionHarness(credentials: CredentialStore.FromText("alice:secret\n"));
        Assert.Equal("", other.Send("set x 0 0 16383\r\n"));
        Assert.Equal(SessionResult.Close, other.LastResult);
    }

    [Fact]
    public void WithoutAnAuthFileNothingIsAsked()
    {
        using var open = new SessionHarness();
        Assert.Equal("END\r\n", open.Send("get x\r\n"));
    }
}

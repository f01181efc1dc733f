using System.Buffers.Binary;
using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Auth;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Session;

/// <summary>
/// Binary SASL with an auth file, without sockets: what memcached -S answers (dispatch_bin_command and
/// process_bin_complete_sasl_auth), with PLAIN checked against the same file the text protocol uses.
/// </summary>
public sealed class BinarySaslTests
{
    private const ushort AuthError = 0x20;

    private static SessionHarness Harness() => new(credentials: CredentialStore.FromText("alice:secret\n"));

    private static byte[] Auth(string message, string mechanism = "PLAIN", string opcode = "sasl-auth") =>
        BinaryPacket.Of(opcode, mechanism, Encoding.Latin1.GetBytes(message));

    [Fact]
    public void BeforeAuthenticationACommandGetsAuthFailureAndTheConnectionCloses()
    {
        using SessionHarness harness = Harness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send(BinaryPacket.Parse("get key=a")));

        Assert.Equal(AuthError, Status(reply));
        Assert.Equal("Auth failure.", Encoding.Latin1.GetString(reply, 24, reply.Length - 24));
        Assert.Equal(SessionResult.Close, harness.LastResult);
    }

    [Fact]
    public void VersionAndTheMechanismListAreServedBeforeAuthentication()
    {
        using SessionHarness harness = Harness();

        byte[] version = Encoding.Latin1.GetBytes(harness.Send(BinaryPacket.Parse("version")));
        byte[] mechanisms = Encoding.Latin1.GetBytes(harness.Send(BinaryPacket.Parse("sasl-list")));

        Assert.Equal(0, Status(version));
        Assert.Equal(0, Status(mechanisms));
        Assert.Equal("PLAIN", Encoding.Latin1.GetString(mechanisms, 24, mechanisms.Length - 24));
        Assert.Equal(SessionResult.Continue, harness.LastResult);
    }

    [Fact]
    public void TheRightPasswordAuthenticatesAndCommandsWorkAfterwards()
    {
        using SessionHarness harness = Harness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send(Auth("\0alice\0secret")));
        Assert.Equal(0, Status(reply));
        Assert.Equal("Authenticated", Encoding.Latin1.GetString(reply, 24, reply.Length - 24));

        byte[] get = Encoding.Latin1.GetBytes(harness.Send(BinaryPacket.Parse("get key=a")));
        Assert.Equal(0x0001, Status(get)); // not found: served, not refused
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.AuthCmds));
        Assert.Equal(0, harness.Context.Counters.Read(ProtocolCounter.AuthErrors));
    }

    [Theory]
    [InlineData("\0alice\0wrong", "PLAIN", "sasl-auth")]
    [InlineData("\0mallory\0secret", "PLAIN", "sasl-auth")]
    [InlineData("\0alice\0secret", "CRAM-MD5", "sasl-auth")]
    [InlineData("\0alice\0secret", "PLAIN", "sasl-step")]
    public void AFailedAttemptIsCountedAndTheConnectionStaysOpenButUnauthenticated(string message, string mechanism, string opcode)
    {
        using SessionHarness harness = Harness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send(Auth(message, mechanism, opcode)));

        Assert.Equal(AuthError, Status(reply));
        Assert.Equal(SessionResult.Continue, harness.LastResult);
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.AuthCmds));
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.AuthErrors));
        Assert.Equal(AuthError, Status(Encoding.Latin1.GetBytes(harness.Send(BinaryPacket.Parse("get key=a")))));
    }

    [Fact]
    public void AMessageArrivingInPiecesAuthenticates()
    {
        using SessionHarness harness = Harness();
        byte[] packet = Auth("\0alice\0secret");

        string replies = harness.SendByteByByte(Encoding.Latin1.GetString(packet));

        Assert.Equal(0, Status(Encoding.Latin1.GetBytes(replies)));
        Assert.Equal(0, harness.Unconsumed);
    }

    [Fact]
    public void AMechanismNameOverThirtyTwoBytesIsInvalidAndItsMessageDiscarded()
    {
        using SessionHarness harness = Harness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send([.. Auth("\0alice\0secret", new string('M', 33)), .. BinaryPacket.Parse("version")]));

        Assert.Equal(0x0004, Status(reply));
        Assert.Equal(0, Status(reply.AsSpan(24 + "Invalid arguments".Length).ToArray())); // then version answers
    }

    [Fact]
    public void AMessageTooLongForPlainFailsWithoutBeingBuffered()
    {
        using SessionHarness harness = Harness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send([.. Auth(new string('x', 100_000)), .. BinaryPacket.Parse("version")]));

        Assert.Equal(AuthError, Status(reply));
        Assert.Equal(0, Status(reply.AsSpan(24 + "Auth failure.".Length).ToArray()));
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.AuthErrors));
    }

    [Fact]
    public void WithoutAnAuthFileTheSaslOpcodesAreUnknownCommands()
    {
        using var harness = new SessionHarness();

        byte[] reply = Encoding.Latin1.GetBytes(harness.Send(Auth("\0alice\0secret")));

        Assert.Equal(0x0081, Status(reply));
    }

    private static ushort Status(byte[] reply) => BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6));
}

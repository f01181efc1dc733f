using Trove.Server.Memcache;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Session;

/// <summary>The binary session without sockets: detection, values arriving in pieces, counters, closing.</summary>
public sealed class BinarySessionTests
{
    [Fact]
    public void TheFirstByteChoosesTheProtocolForTheLifeOfTheConnection()
    {
        using var text = new SessionHarness();
        Assert.Equal("END\r\n", text.Send("get a\r\n"));
        Assert.False(text.Session.IsBinary);

        using var binary = new SessionHarness();
        Assert.Equal("", binary.Send([0x80])); // one byte decides; the header is still incomplete
        Assert.True(binary.Session.IsBinary);
        binary.Send(BinaryPacket.Parse("noop opaque=5")[1..]);
        Assert.Equal(SessionResult.Continue, binary.LastResult);
        Assert.Equal(24, binary.Output.Length);
    }

    [Fact]
    public void AValueArrivingInPiecesIsStoredOnceCompleteAndNothingIsConsumedTwice()
    {
        using var harness = new SessionHarness();
        byte[] set = BinaryPacket.Parse("set key=k flags=3 valuelen=5000");
        Assert.Equal("", harness.Send(set[..100]));
        Assert.Equal(0, harness.Unconsumed); // the value so far is copied out, not left in the pipe
        Assert.Equal("", harness.Send(set[100..4000]));
        string stored = harness.Send(set[4000..]);
        Assert.Equal(24, stored.Length);
        Assert.Equal(0x81, stored[0]);

        Assert.Contains("VALUE k 3 5000", TextOver(harness), StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryCommandsCountInTheSameStatsAsText()
    {
        using var harness = new SessionHarness();
        harness.Send([.. BinaryPacket.Parse("set key=a value=1"), .. BinaryPacket.Parse("get key=a"), .. BinaryPacket.Parse("getq key=b"),
            .. BinaryPacket.Parse("touch key=a exp=10"), .. BinaryPacket.Parse("incr key=a delta=1"), .. BinaryPacket.Parse("flush")]);

        Assert.Equal(2, harness.Context.Counters.Read(ProtocolCounter.CmdGet));
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.CmdTouch));
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.CmdFlush));
        var engine = harness.Engine.GetStats();
        Assert.Equal(1, engine.GetHits);
        Assert.Equal(1, engine.GetMisses);
        Assert.Equal(1, engine.CmdSet);
    }

    [Fact]
    public void AfterTwentyCommandsTheSessionSendsWhatItHoldsAndYields()
    {
        using var harness = new SessionHarness();
        byte[] batch = [.. Enumerable.Range(0, 45).SelectMany(_ => BinaryPacket.Parse("set key=a value=1"))];

        string replies = harness.Send(batch);

        Assert.Equal(45 * 24, replies.Length);
        Assert.Equal(2, harness.Yields); // after 21 and 41 commands, with input left each time
        Assert.Equal(2, harness.Context.Counters.Read(ProtocolCounter.ConnYields));
    }

    [Fact]
    public void AnInvalidHeaderClosesAfterTheRepliesBeforeIt()
    {
        using var harness = new SessionHarness();
        string replies = harness.Send([.. BinaryPacket.Parse("noop"), .. BinaryPacket.Parse("get key=a extras=00")]);

        Assert.Equal(SessionResult.Close, harness.LastResult);
        Assert.Equal(24 + 24 + "Invalid arguments".Length, replies.Length);
    }

    [Fact]
    public void AnUnknownOpcodeWithMaximalExtrasAndAnOverlongKeyIsInvalidNotACrash()
    {
        using var harness = new SessionHarness();
        string replies = harness.Send(BinaryPacket.Parse($"0x50 extras={new string('0', 510)} key={new string('k', 400)}"));

        Assert.Equal(SessionResult.Close, harness.LastResult);
        Assert.Contains("Invalid arguments", replies, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadMagicClosesAndDropsWhatWasHeld()
    {
        using var harness = new SessionHarness();
        string replies = harness.Send([.. BinaryPacket.Parse("set key=a value=1"), .. BinaryPacket.Parse("get key=a magic=0x81")]);

        Assert.Equal(SessionResult.Close, harness.LastResult);
        Assert.Equal("", replies);
    }

    [Fact]
    public void AnUnknownCommandSwallowsItsBodyAcrossReads()
    {
        using var harness = new SessionHarness();
        Assert.Equal("", harness.Send(BinaryPacket.Parse("0x50 bodylen=10000")));
        Assert.Equal("", harness.Send(new byte[6000]));
        string replies = harness.Send([.. new byte[4000], .. BinaryPacket.Parse("noop")]);

        Assert.Contains("Unknown command", replies, StringComparison.Ordinal);
        Assert.Equal(24 + "Unknown command".Length + 24, replies.Length);
        Assert.Equal(0, harness.Unconsumed);
    }

    /// <summary>Reads every key over a text session of the same node.</summary>
    private static string TextOver(SessionHarness harness)
    {
        var text = new MemcacheSession(harness.Context);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var input = new System.Buffers.ReadOnlySequence<byte>("get k\r\n"u8.ToArray());
        text.Process(input, output, out _, out _);
        return System.Text.Encoding.Latin1.GetString(output.WrittenSpan);
    }
}

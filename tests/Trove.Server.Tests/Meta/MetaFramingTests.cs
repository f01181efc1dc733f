using System.Buffers;
using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Meta;

namespace Trove.Server.Tests.Meta;

// Replies here were checked against memcached 1.6.18 by hand (python sockets on loopback): the 1 MiB limit
// (a 1048514-byte value under a 3-byte key fits, 1048515 does not, 1048510 with non-zero flags), the removal of
// the old value in every mode, and the 251-byte key replies.
public sealed class MetaFramingTests
{
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string Text(ArrayBufferWriter<byte> output) => Encoding.Latin1.GetString(output.WrittenSpan);

    [Theory]
    [InlineData("mg foo v")]
    [InlineData("md foo")]
    [InlineData("ma foo")]
    [InlineData("mn")]
    [InlineData("me foo")]
    [InlineData("mg foo x x")]
    public void OnlyMsHasDataAndOtherCommandsAreJudgedWhenExecuted(string line)
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(0, MetaCommands.Frame(Bytes(line), harness.Context, output, out bool rejected));
        Assert.False(rejected);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void MsAsksForItsValueAndTerminator()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(7, MetaCommands.Frame(Bytes("ms foo 5 T0 c"), harness.Context, output, out bool rejected));
        Assert.False(rejected);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void MsErrorsAfterTheLengthAskForTheDataToBeSwallowed()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(12, MetaCommands.Frame(Bytes("ms foo 10 Tx"), harness.Context, output, out bool rejected));
        Assert.True(rejected);
        Assert.Equal("CLIENT_ERROR bad token in command line format\r\n", Text(output));
    }

    [Fact]
    public void MsErrorsBeforeTheLengthSwallowNothing()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(0, MetaCommands.Frame(Bytes("ms foo 10x"), harness.Context, output, out bool rejected));
        Assert.True(rejected);
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", Text(output));
    }

    [Theory]
    [InlineData(1048514, 0u, true)]
    [InlineData(1048515, 0u, false)]
    [InlineData(1048510, 1u, true)]
    [InlineData(1048511, 1u, false)]
    public void TheSizeLimitCountsTheItemAsMemcachedDoes(int valueLength, uint flags, bool fits)
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        long needed = MetaCommands.Frame(Bytes("ms big " + valueLength + " F" + flags), harness.Context, output, out bool rejected);
        Assert.Equal(valueLength + 2L, needed);
        Assert.Equal(!fits, rejected);
        Assert.Equal(fits ? "" : "SERVER_ERROR object too large for cache\r\n", Text(output));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" MA")]
    [InlineData(" ME q")]
    public void ATooLargeValueRemovesTheOldOneInEveryMode(string flags)
    {
        using var harness = new MetaHarness();
        int length = 1048515;
        string wire = "ms big 2\r\nhi\r\nms big " + length + flags + "\r\n" + new string('x', length) + "\r\nmg big v\r\n";
        Assert.Equal("HD\r\nSERVER_ERROR object too large for cache\r\nEN\r\n", harness.Run(wire));
        Assert.Equal(1, harness.Context.Counters.Read(ProtocolCounter.StoreTooLarge));
    }

    [Fact]
    public void ValuesUpToTheLimitAreStored()
    {
        int length = 1048514;
        string value = new('v', length);
        Assert.Equal("HD\r\nVA " + length + "\r\n" + value + "\r\n", MetaHarness.RunFresh("ms big " + length + "\r\n" + value + "\r\nmg big v\r\n"));
    }

    [Fact]
    public void DataSplitAcrossSegmentsIsStoredWhole()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        byte[] line = Bytes("ms foo 5 c");
        Assert.Equal(7, MetaCommands.Frame(line, harness.Context, output, out _));
        ReadOnlySequence<byte> data = Segments("hel", "lo\r", "\n");
        MetaCommands.Execute(line, data, harness.Context, output);
        Assert.Equal("HD c1\r\nVA 5\r\nhello\r\n", Text(output) + harness.Run("mg foo v\r\n"));
    }

    [Fact]
    public void ATerminatorSplitAcrossSegmentsIsStillChecked()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        byte[] line = Bytes("ms foo 2");
        MetaCommands.Execute(line, Segments("hi\r", "X"), harness.Context, output);
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", Text(output));
        Assert.Equal("EN\r\n", harness.Run("mg foo v\r\n"));
    }

    [Fact]
    public void DataOfTheWrongLengthIsABadChunk()
    {
        using var harness = new MetaHarness();
        var output = new ArrayBufferWriter<byte>();
        MetaCommands.Execute(Bytes("ms foo 2"), new ReadOnlySequence<byte>(Bytes("h\r\n")), harness.Context, output);
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", Text(output));
    }

    [Theory]
    [InlineData("mg {0} v\r\n", "CLIENT_ERROR bad command line format\r\n")]
    [InlineData("md {0}\r\n", "CLIENT_ERROR bad command line format\r\n")]
    [InlineData("ma {0}\r\n", "CLIENT_ERROR bad command line format\r\n")]
    [InlineData("me {0}\r\n", "CLIENT_ERROR bad command line format\r\n")]
    [InlineData("ms {0} 2\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n")]
    public void KeysLongerThan250BytesAreRejected(string format, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(string.Format(format, new string('k', 251))));
    }

    [Theory]
    [InlineData("ms {0} 1\r\nx\r\nmg {0} s\r\nme {0}\r\n", "HD\r\nHD s1\r\nME {0} exp=-1 la=0 cas=1 fetch=yes cls=7 size=310\r\n")]
    public void KeysOf250BytesWork(string format, string expected)
    {
        string key = new('k', 250);
        Assert.Equal(string.Format(expected, key), MetaHarness.RunFresh(string.Format(format, key)));
    }

    private static ReadOnlySequence<byte> Segments(params string[] parts) => Sequences.Join([.. parts.Select(Bytes)]);
}

using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Protocol.Tests.Text;

namespace Trove.Protocol.Tests.Binary;

public sealed class BinaryRequestParserTests
{
    public static TheoryData<string> Packets => new() { "set", "get", "noop", "incr" };

    private static byte[] Packet(string name) => name switch
    {
        "set" => BinaryRequests.Set(),
        "get" => BinaryRequests.Get(),
        "noop" => BinaryRequests.Noop(),
        _ => BinaryRequests.Incr(),
    };

    [Fact]
    public void ParseReadsEveryHeaderFieldExtrasAndKey()
    {
        byte[] packet = BinaryRequests.Set();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet));

        OperationStatus status = BinaryRequestParser.TryParse(ref reader, out BinaryRequest request, out BinaryParseError error);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(BinaryParseError.None, error);
        BinaryHeader header = request.Header;
        Assert.Equal(BinaryOpcode.Set, header.Command);
        Assert.Equal(3, header.KeyLength);
        Assert.Equal(8, header.ExtrasLength);
        Assert.Equal(16u, header.BodyLength);
        Assert.Equal(0xdeadbeefu, header.Opaque);
        Assert.Equal(42ul, header.Cas);
        Assert.Equal(5, header.ValueLength);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d }, request.Extras.ToArray());
        Assert.Equal("key"u8.ToArray(), request.Key.ToArray());
        // The value is left for the command: the reader stops after the key.
        Assert.Equal(5, reader.Remaining);
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void ParseReturnsNeedMoreDataOnEveryPrefixOfHeaderExtrasAndKey(string name)
    {
        byte[] packet = Packet(name);
        int framed = 24 + packet[4] + (packet[2] << 8 | packet[3]);
        for (int length = 0; length < framed; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet, 0, length));
            OperationStatus status = BinaryRequestParser.TryParse(ref reader, out _, out _);
            Assert.Equal(OperationStatus.NeedMoreData, status);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void ParseGivesTheSameRequestAtEverySplitPoint(string name)
    {
        byte[] packet = Packet(name);
        BinaryRequest whole = ParseWhole(new ReadOnlySequence<byte>(packet));
        for (int cut = 1; cut < packet.Length; cut++)
        {
            AssertSame(whole, ParseWhole(Sequences.Split(packet, cut)));
        }
        AssertSame(whole, ParseWhole(Sequences.OneBytePerSegment(packet)));
    }

    [Fact]
    public void ParseRejectsABadMagicWithoutConsumingAnything()
    {
        byte[] packet = BinaryRequests.Build(0x00, [], "k"u8.ToArray(), [], magic: 0x81);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet));

        OperationStatus status = BinaryRequestParser.TryParse(ref reader, out _, out BinaryParseError error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(BinaryParseError.BadMagic, error);
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void ParseRejectsAKeyAndExtrasLongerThanTheBodyOnceTheyArrived()
    {
        byte[] packet = BinaryRequests.Build(0x00, [], "abc"u8.ToArray(), [], opaque: 9, bodyLength: 1);
        var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet, 0, 25));
        Assert.Equal(OperationStatus.NeedMoreData, BinaryRequestParser.TryParse(ref partial, out _, out _));

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet));
        OperationStatus status = BinaryRequestParser.TryParse(ref reader, out BinaryRequest request, out BinaryParseError error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(BinaryParseError.BodyTooShort, error);
        Assert.Equal(9u, request.Header.Opaque); // the reply echoes it
        Assert.Equal(packet.Length, reader.Consumed);
    }

    [Fact]
    public void ParseAcceptsAHugeBodyLengthAndLeavesTheValueToTheCaller()
    {
        byte[] packet = BinaryRequests.Build(0x01, new byte[8], "k"u8.ToArray(), [], bodyLength: uint.MaxValue);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet));

        OperationStatus status = BinaryRequestParser.TryParse(ref reader, out BinaryRequest request, out _);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(uint.MaxValue - 9L, request.Header.ValueLength);
        Assert.True(reader.End);
    }

    private static BinaryRequest ParseWhole(ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        Assert.Equal(OperationStatus.Done, BinaryRequestParser.TryParse(ref reader, out BinaryRequest request, out _));
        return request;
    }

    private static void AssertSame(BinaryRequest expected, BinaryRequest actual)
    {
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(expected.Extras.ToArray(), actual.Extras.ToArray());
        Assert.Equal(expected.Key.ToArray(), actual.Key.ToArray());
    }
}

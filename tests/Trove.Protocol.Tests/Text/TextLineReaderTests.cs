using System.Buffers;
using System.Text;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests.Text;

public sealed class TextLineReaderTests
{
    public static TheoryData<string> Requests => new()
    {
        "get foo\r\n",
        "gets a b c\r\n",
        "set k 0 0 5\r\n",
        "set k 0 0 5\n",
        "delete k noreply\r\n",
        "incr counter 1\r\n",
        "stats\r\n",
        "\r\n",
        "ms key 2 T0\r\n",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void ReadLineReturnsNeedMoreDataOnEveryPrefix(string request)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(request);
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));

            Assert.Equal(OperationStatus.NeedMoreData, TextLineReader.TryReadLine(ref reader, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void ReadLineGivesTheSameLineAtEverySplitPoint(string request)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(request + "next");
        string expected = request[..request.IndexOf('\n')];
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            AssertReadsLine(Sequences.Split(bytes, cut), expected);
        }
        AssertReadsLine(Sequences.OneBytePerSegment(bytes), expected);
    }

    [Fact]
    public void ReadLineWaitsForUpTo2048BytesWithoutNewline()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(new byte[2048]));

        Assert.Equal(OperationStatus.NeedMoreData, TextLineReader.TryReadLine(ref reader, out _));
    }

    [Fact]
    public void ReadLineRejectsMoreThan2048BytesWithoutNewline()
    {
        byte[] junk = Enumerable.Repeat((byte)'x', 2049).ToArray();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(junk));

        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref reader, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [InlineData("get ")]
    [InlineData("gets ")]
    [InlineData("   get ")]
    public void ReadLineKeepsWaitingForALongMultiGet(string start)
    {
        byte[] line = Encoding.ASCII.GetBytes(start + new string('k', 5000));
        var reader = new SequenceReader<byte>(Sequences.Split(line, 1000, 3000));

        Assert.Equal(OperationStatus.NeedMoreData, TextLineReader.TryReadLine(ref reader, out _));
    }

    [Theory]
    [InlineData("gat 0 ")]
    [InlineData("getx ")]
    [InlineData("set ")]
    public void ReadLineRejectsALongUnterminatedLineThatIsNotAGet(string start)
    {
        byte[] line = Encoding.ASCII.GetBytes(start + new string('k', 5000));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(line));

        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref reader, out _));
    }

    [Fact]
    public void ReadLineRejectsAGetAfterMoreThan100Spaces()
    {
        byte[] line = Encoding.ASCII.GetBytes(new string(' ', 101) + "get " + new string('k', 3000));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(line));

        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref reader, out _));
    }

    [Fact]
    public void ReadLineAcceptsATerminatedLineJustInsideTheReadBuffer()
    {
        byte[] line = Encoding.ASCII.GetBytes(new string('x', TextLineReader.MaxLineLength - 1) + "\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(line));

        Assert.Equal(OperationStatus.Done, TextLineReader.TryReadLine(ref reader, out ReadOnlySequence<byte> found));
        Assert.Equal(TextLineReader.MaxLineLength - 1, found.Length);
    }

    [Fact]
    public void ReadLineRejectsATerminatedLineBeyondTheReadBufferUnlessItIsAGet()
    {
        byte[] junk = Encoding.ASCII.GetBytes(new string('x', TextLineReader.MaxLineLength) + "\n");
        byte[] get = Encoding.ASCII.GetBytes("get " + new string('x', TextLineReader.MaxLineLength) + "\n");
        var junkReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(junk));
        var getReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(get));

        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref junkReader, out _));
        Assert.Equal(OperationStatus.Done, TextLineReader.TryReadLine(ref getReader, out _));
    }

    private static void AssertReadsLine(ReadOnlySequence<byte> input, string expected)
    {
        var reader = new SequenceReader<byte>(input);

        Assert.Equal(OperationStatus.Done, TextLineReader.TryReadLine(ref reader, out ReadOnlySequence<byte> line));
        Assert.Equal(expected, Encoding.ASCII.GetString(line.ToArray()));
        Assert.Equal("next", Encoding.ASCII.GetString(reader.UnreadSequence.ToArray()));
    }
}

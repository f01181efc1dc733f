using System.Buffers;
using System.Text;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests.Text;

public sealed class TextReplyWriterTests
{
    [Fact]
    public void WriteValueFormatsTheValueLineValueAndTerminator()
    {
        var output = new ArrayBufferWriter<byte>();

        TextReplyWriter.WriteValue(output, "key"u8, 4294967295, "hello"u8, withCas: false, cas: 0);

        Assert.Equal("VALUE key 4294967295 5\r\nhello\r\n", Text(output));
    }

    [Fact]
    public void WriteValueAddsTheCasForGets()
    {
        var output = new ArrayBufferWriter<byte>();

        TextReplyWriter.WriteValue(output, "k"u8, 0, ""u8, withCas: true, cas: ulong.MaxValue);

        Assert.Equal("VALUE k 0 0 18446744073709551615\r\n\r\n", Text(output));
    }

    [Fact]
    public void WriteValueCopiesALargeValueInPiecesWhenTheWriterHandsOutSmallBuffers()
    {
        var output = new SmallBufferWriter(400);
        byte[] value = Enumerable.Range(0, 5000).Select(i => (byte)('a' + (i % 26))).ToArray();

        TextReplyWriter.WriteValue(output, "big"u8, 7, value, withCas: false, cas: 0);

        Assert.Equal("VALUE big 7 5000\r\n" + Encoding.ASCII.GetString(value) + "\r\n", output.Text);
    }

    [Fact]
    public void WriteNumberLineWritesDecimalDigits()
    {
        var output = new ArrayBufferWriter<byte>();

        TextReplyWriter.WriteNumberLine(output, 18446744073709551615);
        TextReplyWriter.WriteNumberLine(output, 0);

        Assert.Equal("18446744073709551615\r\n0\r\n", Text(output));
    }

    [Fact]
    public void WriteStatFormatsNamesAndValues()
    {
        var output = new ArrayBufferWriter<byte>();

        TextReplyWriter.WriteStat(output, "pid"u8, 42ul);
        TextReplyWriter.WriteStat(output, "delta"u8, -3L);
        TextReplyWriter.WriteStat(output, "version"u8, "1.6.18"u8);
        TextReplyWriter.WriteStat(output, "items:"u8, 12, "number"u8, 7ul);

        Assert.Equal("STAT pid 42\r\nSTAT delta -3\r\nSTAT version 1.6.18\r\nSTAT items:12:number 7\r\n", Text(output));
    }

    [Fact]
    public void RepliesForErrorsAreMemcachedsLines()
    {
        Assert.Equal("ERROR\r\n", Encoding.ASCII.GetString(TextReplies.For(TextError.Error)));
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", Encoding.ASCII.GetString(TextReplies.For(TextError.BadCommandLineFormat)));
        Assert.Equal("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n", Encoding.ASCII.GetString(TextReplies.For(TextError.DeleteUsage)));
        Assert.Equal("CLIENT_ERROR invalid exptime argument\r\n", Encoding.ASCII.GetString(TextReplies.For(TextError.InvalidExptime)));
        Assert.Equal("CLIENT_ERROR invalid numeric delta argument\r\n", Encoding.ASCII.GetString(TextReplies.For(TextError.InvalidDelta)));
    }

    private static string Text(ArrayBufferWriter<byte> output) => Encoding.ASCII.GetString(output.WrittenSpan);

    /// <summary>Hands out buffers no larger than asked for, or than a cap when the caller asks for no minimum.</summary>
    private sealed class SmallBufferWriter(int cap) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public string Text => Encoding.ASCII.GetString(_written.ToArray());

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, Math.Min(cap, 64))];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}

using System.Text;
using Trove.Bench;

namespace Trove.Bench.Tests;

public sealed class ReplyParserTests
{
    [Theory]
    [InlineData("END\r\n", "Miss")]
    [InlineData("VALUE k 0 3\r\nabc\r\nEND\r\n", "Hit")]
    [InlineData("VALUE k 5 3 77\r\nabc\r\nEND\r\n", "Hit")]
    [InlineData("VALUE k 0 0\r\n\r\nEND\r\n", "Hit")]
    [InlineData("STORED\r\n", "Stored")]
    [InlineData("NOT_STORED\r\n", "NotStored")]
    [InlineData("EXISTS\r\n", "NotStored")]
    [InlineData("NOT_FOUND\r\n", "NotStored")]
    [InlineData("ERROR\r\n", "Error")]
    [InlineData("CLIENT_ERROR bad data chunk\r\n", "Error")]
    [InlineData("SERVER_ERROR out of memory storing object\r\n", "Error")]
    public void Each_reply_is_classified_and_consumed_whole(string reply, string expected)
    {
        var parser = new ReplyParser();
        var bytes = Encoding.ASCII.GetBytes(reply);

        Assert.True(parser.TryRead(bytes, out var consumed, out var kind));
        Assert.Equal(Enum.Parse<ReplyKind>(expected), kind);
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void An_error_reply_keeps_its_line_to_show()
    {
        var parser = new ReplyParser();

        parser.TryRead("SERVER_ERROR out of memory\r\n"u8, out _, out _);

        Assert.Equal("SERVER_ERROR out of memory", parser.LastErrorLine);
    }

    [Fact]
    public void A_hit_reports_the_length_of_its_value()
    {
        var parser = new ReplyParser();

        parser.TryRead("VALUE key 0 11\r\nhello world\r\nEND\r\n"u8, out _, out _);

        Assert.Equal(11, parser.LastValueLength);
    }

    [Fact]
    public void Value_data_that_looks_like_replies_is_skipped_as_data()
    {
        var parser = new ReplyParser();
        var bytes = "VALUE k 0 13\r\nEND\r\nSTORED\r\n\r\nEND\r\n"u8;

        Assert.True(parser.TryRead(bytes, out var consumed, out var kind));
        Assert.Equal(ReplyKind.Hit, kind);
        Assert.Equal(bytes.Length, consumed);
    }

    [Fact]
    public void A_stream_split_at_every_byte_gives_the_same_replies()
    {
        var stream = Encoding.ASCII.GetBytes(
            "VALUE bench:01 0 5\r\nab\r\nc\r\nEND\r\nSTORED\r\nEND\r\nSERVER_ERROR busy\r\n"
            + "VALUE bench:02 0 3 9\r\nxyz\r\nEND\r\nNOT_STORED\r\n");
        var expected = new[] { ReplyKind.Hit, ReplyKind.Stored, ReplyKind.Miss, ReplyKind.Error, ReplyKind.Hit, ReplyKind.NotStored };

        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            Assert.Equal(expected, ParseInChunks(stream, chunk));
        }
    }

    [Fact]
    public void A_partial_line_is_left_unconsumed_until_it_is_complete()
    {
        var parser = new ReplyParser();

        Assert.False(parser.TryRead("STOR"u8, out var consumed, out _));
        Assert.Equal(0, consumed);
        Assert.True(parser.TryRead("STORED\r\n"u8, out consumed, out var kind));
        Assert.Equal(ReplyKind.Stored, kind);
    }

    [Theory]
    [InlineData("HELLO\r\n")]
    [InlineData("STORED\n")]
    [InlineData("VALUE k 0 3\r\nabcX\r\nEND\r\n")]
    [InlineData("VALUE k 0 x\r\n")]
    [InlineData("VALUE k 0\r\n")]
    [InlineData("VALUE k 0 3\r\nabc\r\nSTORED\r\n")]
    public void Bytes_that_are_not_a_reply_are_rejected(string reply)
    {
        var parser = new ReplyParser();
        var bytes = Encoding.ASCII.GetBytes(reply);

        Assert.Throws<InvalidDataException>(() => ParseAll(ref parser, bytes));
    }

    [Fact]
    public void A_line_longer_than_any_reply_is_rejected_before_it_ends()
    {
        var parser = new ReplyParser();
        var bytes = Encoding.ASCII.GetBytes(new string('x', ReplyParser.MaxLineLength + 1));

        Assert.Throws<InvalidDataException>(() => parser.TryRead(bytes, out _, out _));
    }

    private static void ParseAll(ref ReplyParser parser, byte[] bytes)
    {
        var at = 0;
        while (parser.TryRead(bytes.AsSpan(at), out var consumed, out _))
        {
            at += consumed;
        }
    }

    /// <summary>Feeds the stream in chunks the way BenchConnection does: keep the unconsumed tail, append the next chunk.</summary>
    private static List<ReplyKind> ParseInChunks(byte[] stream, int chunk)
    {
        var parser = new ReplyParser();
        var replies = new List<ReplyKind>();
        var buffer = new List<byte>();
        for (var at = 0; at < stream.Length; at += chunk)
        {
            buffer.AddRange(stream.AsSpan(at, Math.Min(chunk, stream.Length - at)).ToArray());
            while (true)
            {
                var complete = parser.TryRead(buffer.ToArray(), out var consumed, out var kind);
                buffer.RemoveRange(0, consumed);
                if (!complete)
                {
                    break;
                }
                replies.Add(kind);
            }
        }
        Assert.Empty(buffer);
        return replies;
    }
}

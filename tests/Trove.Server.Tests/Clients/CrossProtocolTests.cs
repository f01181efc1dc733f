using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Trove.Server.Tests.Differential;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>
/// One item, two protocols: what a binary client writes, a text or meta client reads with the same flags, CAS, TTL
/// and value, and the other way round. Each step runs on its own connection against a fresh memcached and a fresh
/// candidate; their replies must agree (as in the differential tests), and the facts are asserted on the candidate.
/// </summary>
public sealed class CrossProtocolTests
{
    [Fact]
    public async Task An_item_set_over_binary_reads_back_identically_over_text_and_meta()
    {
        Steps replies = await RunOnBothAsync(
            Binary(BinaryPacket.Parse("set key=x flags=0xdeadbeef exp=1000 value=hello"), BinaryPacket.Parse("getk key=x")),
            Text("gets x\r\nmg x f c t s v\r\n"),
            Binary(BinaryPacket.Parse("incr key=n delta=1 initial=41 exp=0")),
            Text("get n\r\nincr n 1\r\n"));

        ulong cas = BinaryPrimitives.ReadUInt64BigEndian(replies[0].AsSpan(16));
        Assert.NotEqual(0ul, cas);
        string text = Encoding.ASCII.GetString(replies[1]);
        Assert.StartsWith($"VALUE x 3735928559 5 {cas}\r\nhello\r\nEND\r\n", text, StringComparison.Ordinal);
        Assert.Matches($@"^VA 5 f3735928559 c{cas} t(999|1000) s5\r\nhello\r\n", text[(text.IndexOf("END\r\n", StringComparison.Ordinal) + 5)..]);
        Assert.Equal("VALUE n 0 2\r\n41\r\nEND\r\n42\r\n", Encoding.ASCII.GetString(replies[3]));
    }

    [Fact]
    public async Task An_item_set_over_text_and_meta_reads_back_identically_over_binary()
    {
        Steps replies = await RunOnBothAsync(
            Text("set y 7 500 3\r\nabc\r\ngets y\r\nms z 2 F9 T0\r\nhi\r\n"),
            Binary(BinaryPacket.Parse("getk key=y"), BinaryPacket.Parse("get key=z"), BinaryPacket.Parse("append key=y value=def")),
            Text("gets y\r\n"));

        string gets = Encoding.ASCII.GetString(replies[0]);
        ulong cas = ulong.Parse(gets.Split("\r\n")[1].Split(' ')[4], CultureInfo.InvariantCulture);
        byte[] getk = replies[1];
        Assert.Equal(cas, BinaryPrimitives.ReadUInt64BigEndian(getk.AsSpan(16)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(getk.AsSpan(24)));
        Assert.Equal("yabc"u8.ToArray(), getk.AsSpan(28, 4).ToArray());
        int second = 24 + (int)BinaryPrimitives.ReadUInt32BigEndian(getk.AsSpan(8));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32BigEndian(getk.AsSpan(second + 24)));
        Assert.StartsWith("VALUE y 7 6 ", Encoding.ASCII.GetString(replies[2]), StringComparison.Ordinal);
    }

    private sealed record Step(byte[] Script, bool IsBinary);

    private sealed class Steps(List<byte[]> replies)
    {
        public byte[] this[int index] => replies[index];
    }

    private static Step Binary(params byte[][] packets) => new([.. packets.SelectMany(p => p)], true);

    private static Step Text(string script) => new(Encoding.ASCII.GetBytes(script), false);

    /// <summary>Runs the steps on memcached and on the candidate, checks the replies agree, returns the candidate's (sentinels removed).</summary>
    private static async Task<Steps> RunOnBothAsync(params Step[] steps)
    {
        await using MemcachedProcess reference = await MemcachedProcess.StartAsync(ServerSettings.Default);
        await using IServerUnderTest candidate = await Candidate.StartAsync();
        var replies = new List<byte[]>();
        foreach (Step step in steps)
        {
            Transcript expected = await RawClient.ExchangeAsync(reference.Port, [step.Script], Delivery.Whole, binary: step.IsBinary);
            Transcript actual = await RawClient.ExchangeAsync(candidate.Port, [step.Script], Delivery.Whole, binary: step.IsBinary);
            Assert.Equal(ExchangeEnd.Sentinel, expected.End);
            Assert.Equal(ExchangeEnd.Sentinel, actual.End);
            List<string> left = Lines(expected, step.IsBinary);
            List<string> right = Lines(actual, step.IsBinary);
            Assert.True(ReplyComparer.FirstDifference(left, right) is null, $"memcached:\n{string.Concat(left)}\n{candidate.Name}:\n{string.Concat(right)}");
            int sentinel = step.IsBinary ? BinarySentinel.Reply.Length : Sentinel.Reply.Length;
            replies.Add(actual.Reply[..^sentinel]);
        }

        return new Steps(replies);
    }

    private static List<string> Lines(Transcript transcript, bool binary) =>
        [.. ReplyMask.Lines(ReplyMask.Apply(binary ? BinaryReplyText.Render(transcript.Reply) : transcript.Reply))];
}

using System.Text;
using System.Text.RegularExpressions;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>
/// Any node of a cluster answers any command for any key as one node would: the same scripts sent to a lone node and
/// to each node of a three-node cluster get the same bytes back (CAS values masked: each primary numbers its own).
/// The keys are spread over all three nodes, so most requests are forwarded and multi-key gets fan out.
/// </summary>
public sealed partial class RoutingTests
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 24).Select(i => $"key:{i}")];

    /// <summary>
    /// The script with its keys renamed for one run (each node gets its own keys: flush_all is not ordered with the
    /// asynchronous replication of earlier writes, so runs must not share keys).
    /// </summary>
    private static byte[] ForRun(string script, int run) => Encoding.Latin1.GetBytes(script.Replace("key:", $"key{run}:", StringComparison.Ordinal));

    [GeneratedRegex(@"(?<=^VALUE \S+ \d+ \d+ )\d+|(?<= c)\d+|(?<=^CAS )\d+", RegexOptions.Multiline)]
    private static partial Regex CasValue();

    public static TheoryData<string, string> TextScripts => new()
    {
        { "storage, then a multi-key get in client order with misses and repeats", Script(
            Keys.Select(k => $"set {k} {k.Length} 0 {k.Length + 2}\r\nv-{k}\r\n"),
            [$"get {string.Join(' ', Keys)} missing:1 {Keys[3]} {Keys[0]}\r\n", $"gets {string.Join(' ', Keys.Take(9))}\r\n", "get missing:2\r\n"]) },
        { "add, replace, append, prepend, incr, decr, touch, gat, delete with and without noreply", Script(
            Keys.Select(k => $"add {k} 1 0 1\r\n5\r\nadd {k} 1 0 1\r\n6\r\nreplace {k} 2 0 2\r\n10\r\nappend {k} 0 0 1\r\n0\r\nprepend {k} 0 0 1 noreply\r\n1\r\n"
                + $"incr {k} 7\r\ndecr {k} 3\r\ndecr {k} 100000 noreply\r\nincr {k} x\r\ntouch {k} 100\r\ngat 200 {k}\r\ndelete {k}\r\ndelete {k}\r\ndelete {k} noreply\r\nincr {k} 1\r\n"),
            [$"get {string.Join(' ', Keys)}\r\n"]) },
        { "cas through the owner's unique", Script(
            Keys.Select(k => $"set {k} 0 0 1\r\na\r\ncas {k} 0 0 1 999999\r\nb\r\ncas nokey:{k} 0 0 1 1\r\nc\r\n"),
            [$"gets {string.Join(' ', Keys.Take(5))}\r\n"]) },
        { "meta commands with flags, quiet mode and base64 keys", Script(
            Keys.Select(k => $"ms {k} 3 T0 F7\r\nabc\r\nmg {k} v f t k O123 s\r\nmg {k}x v q\r\nmn\r\nma {k}n N0 J13 v\r\nma {k}n D2 v\r\nmd {k} q\r\nmg {k} v\r\n"
                + $"ms {Convert.ToBase64String(Encoding.ASCII.GetBytes(k + "\u0001"))} 2 b\r\nhi\r\nmg {Convert.ToBase64String(Encoding.ASCII.GetBytes(k + "\u0001"))} b v k\r\n"),
            ["mn\r\n"]) },
        { "errors stay the node's own", Script(
            // (An overlong key first: it discards replies held before it, which depends on read boundaries.)
            [$"get {Keys[2]} {new string('x', 251)}\r\n", "get\r\n", "set k 0 0 notanumber\r\n", "bogus command\r\n", $"incr {Keys[3]} -1\r\n"],
            [$"get {Keys[1]}\r\n", "mg\r\n", "ms k S\r\n"]) },
        { "a large value forwarded whole", Script(
            Keys.Take(4).Select(k => $"set {k} 9 0 300000\r\n{new string('z', 300000)}\r\n"),
            [$"get {string.Join(' ', Keys.Take(4))}\r\n"]) },
    };

    [Theory]
    [MemberData(nameof(TextScripts))]
    public async Task EveryNodeAnswersTextAndMetaAsALoneNode(string scenario, string script)
    {
        _ = scenario;
        var expected = new List<string>();
        await using (TroveNode lone = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions()))
        {
            for (int run = 0; run < 6; run++)
                expected.Add(Masked(await RawClient.ExchangeAsync(lone.Port, ForRun(script, run))));
        }

        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            int port = cluster[i].Port;
            Assert.Equal(expected[2 * i], Masked(await RawClient.ExchangeAsync(port, ForRun(script, 2 * i))));
            Assert.Equal(expected[2 * i + 1], Masked(await RawClient.ExchangeAsync(port, [ForRun(script, 2 * i + 1)], Delivery.RandomSplits(port))));
        }
        Assert.True((await Stats.ReadAsync(cluster[0].Port, "stats cluster"))["forwarded"] > 0);
    }

    [Fact]
    public async Task EveryNodeAnswersBinaryAsALoneNode()
    {
        string expected;
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            // Each node its own keys (see ForRun); the replies do not show keys except getk's, which the lone node's
            // script had too, so the expected bytes are recomputed per prefix.
            await using TroveNode lone = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());
            string prefix = $"n{i}-";
            expected = MaskedBinary(await RawClient.ExchangeAsync(lone.Port, [BinaryScript(prefix)], Delivery.Whole, binary: true));
            Assert.Equal(expected, MaskedBinary(await RawClient.ExchangeAsync(cluster[i].Port, [BinaryScript(prefix)], Delivery.RandomSplits(i), binary: true)));
        }
    }

    private static byte[] BinaryScript(string prefix)
    {
        var packets = new List<byte[]>();
        foreach (string key in Keys.Select(k => prefix + k))
        {
            packets.Add(BinaryPacket.Of("set", key, Encoding.ASCII.GetBytes("v" + key), "flags=5"));
            packets.Add(BinaryPacket.Of("getk", key));
            packets.Add(BinaryPacket.Of("getq", key + "-missing"));
            packets.Add(BinaryPacket.Of("getkq", key));
            packets.Add(BinaryPacket.Of("appendq", key, "!"u8.ToArray()));
            packets.Add(BinaryPacket.Of("incr", key + "-n", null, "delta=3 initial=10"));
            packets.Add(BinaryPacket.Of("incr", key + "-n", null, "delta=3 initial=10"));
            packets.Add(BinaryPacket.Of("add", key, "x"u8.ToArray()));
            packets.Add(BinaryPacket.Of("get", key));
            packets.Add(BinaryPacket.Of("deleteq", key));
            packets.Add(BinaryPacket.Of("get", key));
            packets.Add(BinaryPacket.Of("noop"));
        }
        return [.. packets.SelectMany(p => p)];
    }

    [Fact]
    public async Task GetsThroughOneNodeAndCasThroughAnotherBehaveAsOneMemcached()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        foreach (string key in Keys)
        {
            await RawClient.ExchangeAsync(cluster[0].Port, Encoding.ASCII.GetBytes($"set {key} 0 0 1\r\na\r\n"));
            string gets = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(cluster[1].Port, Encoding.ASCII.GetBytes($"gets {key}\r\n"))).Reply);
            string unique = gets.Split("\r\n")[0].Split(' ')[4];
            string first = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(cluster[2].Port, Encoding.ASCII.GetBytes($"cas {key} 0 0 1 {unique}\r\nb\r\n"))).Reply);
            string second = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(cluster[0].Port, Encoding.ASCII.GetBytes($"cas {key} 0 0 1 {unique}\r\nc\r\n"))).Reply);
            string value = Encoding.ASCII.GetString((await RawClient.ExchangeAsync(cluster[1].Port, Encoding.ASCII.GetBytes($"get {key}\r\n"))).Reply);
            Assert.Equal("STORED\r\nMN\r\n", first);
            Assert.Equal("EXISTS\r\nMN\r\n", second);
            Assert.Equal($"VALUE {key} 0 1\r\nb\r\nEND\r\nMN\r\n", value);
        }
    }

    private static string Script(IEnumerable<string> writes, IEnumerable<string> reads) => string.Concat(writes) + string.Concat(reads);

    private static string Masked(Transcript transcript) => CasValue().Replace(Encoding.Latin1.GetString(transcript.Reply), "<cas>");

    /// <summary>The reply packets with their 8-byte CAS field zeroed (each primary numbers its own items).</summary>
    private static string MaskedBinary(Transcript transcript)
    {
        byte[] reply = transcript.Reply;
        for (int at = 0; at + 24 <= reply.Length;)
        {
            int body = (reply[at + 8] << 24) | (reply[at + 9] << 16) | (reply[at + 10] << 8) | reply[at + 11];
            reply.AsSpan(at + 16, 8).Clear();
            at += 24 + body;
        }
        return Convert.ToHexString(reply);
    }
}

using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Tests.Store;
using Trove.Storage;

namespace Trove.Server.Tests.Session;

/// <summary>Long keys (a raised --max-key-length) through the session: split at every point, and mutated.</summary>
public sealed class SessionLongKeyTests
{
    private const int Limit = 4000;

    private static SessionHarness Harness() => new(engineOptions: new EngineOptions { MaxKeyLength = Limit });

    private static readonly string PlainKey = "plain:" + new string('p', 2994);

    private static readonly string EncodedKey = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());

    public static TheoryData<string, string> MetaRequests => new()
    {
        { $"ms {PlainKey} 5 F3\r\nhello\r\nmg {PlainKey} v f k\r\n", $"HD\r\nVA 5 f3 k{PlainKey}\r\nhello\r\n" },
        { $"ms {EncodedKey} 2 b\r\nhi\r\nmg {EncodedKey} b v k\r\nmd {EncodedKey} b\r\nmg {EncodedKey} b v\r\n", $"HD\r\nVA 2 k{EncodedKey} b\r\nhi\r\nHD\r\nEN\r\n" },
    };

    [Theory]
    [MemberData(nameof(MetaRequests))]
    public void LongMetaRequestsGetTheSameRepliesAtEverySplitPoint(string request, string expected)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(request);
        for (int cut = 0; cut <= bytes.Length; cut += cut < 200 || cut > bytes.Length - 200 ? 1 : 13)
        {
            using SessionHarness harness = Harness();
            int at = cut;
            Assert.Equal(expected, harness.Send(bytes, data => Sequences.Split(data, at)));
        }
    }

    [Fact]
    public void ALongBinaryRequestGetsTheSameRepliesAtEverySplitPoint()
    {
        byte[] key = Encoding.ASCII.GetBytes(PlainKey);
        byte[] request = [.. StoreLongKeyTests.Packet(0x01, key, StoreLongKeyTests.SetExtras(1), "v"u8.ToArray()), .. StoreLongKeyTests.Packet(0x0c, key)];
        string? expected = null;
        for (int cut = 0; cut <= request.Length; cut += cut < 200 || cut > request.Length - 200 ? 1 : 11)
        {
            using SessionHarness harness = Harness();
            int at = cut;
            string reply = harness.Send(request, data => Sequences.Split(data, at));
            expected ??= reply;
            Assert.Equal(expected, reply);
        }

        byte[] replyBytes = Encoding.Latin1.GetBytes(expected!);
        Assert.Equal(0, StoreLongKeyTests.Read(replyBytes, 0).Status);
        Assert.Equal(0, StoreLongKeyTests.Read(replyBytes, 24).Status);
        Assert.Equal(key.Length, StoreLongKeyTests.Read(replyBytes, 24).KeyLength);
    }

    /// <summary>Random byte flips, truncations and repeats of long-key requests never throw or corrupt the accounting.</summary>
    [Fact]
    public void MutatedLongKeyRequestsNeverThrow()
    {
        byte[][] templates =
        [
            Encoding.ASCII.GetBytes($"ms {PlainKey} 5 T0\r\nhello\r\nmg {PlainKey} v k\r\n"),
            Encoding.ASCII.GetBytes($"ms {EncodedKey} 2 b I\r\nhi\r\nma {EncodedKey} b N0 J5\r\nme {EncodedKey} b\r\n"),
            StoreLongKeyTests.Packet(0x01, Encoding.ASCII.GetBytes(PlainKey), StoreLongKeyTests.SetExtras(1), "v"u8.ToArray()),
        ];
        var random = new Random(11);
        for (int round = 0; round < 300; round++)
        {
            byte[] input = [.. templates[round % templates.Length]];
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        input[random.Next(input.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        input = input[..random.Next(1, input.Length)];
                        break;
                    default:
                        input = [.. input, .. input[..random.Next(input.Length)]];
                        break;
                }
            }

            using SessionHarness harness = Harness();
            harness.Send(input);
            if (harness.LastResult == SessionResult.Continue)
            {
                harness.Send("mn\r\n"u8.ToArray()); // still parses
            }

            EngineStats stats = harness.Engine.GetStats();
            Assert.InRange(stats.CurrItems, 0, 64);
            Assert.Equal(stats.CurrItems, stats.Classes.Sum(c => c.Number));
        }
    }
}

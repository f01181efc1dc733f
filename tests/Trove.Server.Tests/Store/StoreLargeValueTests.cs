using System.Text;
using Trove.Storage;

namespace Trove.Server.Tests.Store;

/// <summary>A 64 MiB value in store mode, end to end: set over text, read over meta and binary, logged, replayed after a restart.</summary>
public sealed class StoreLargeValueTests : IDisposable
{
    private const int ValueLength = 64 << 20;
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TroveNode> StartAsync() => TroveNode.StartAsync(
        new ServerOptions { Port = 0 },
        new EngineOptions { MemoryLimitBytes = 256L << 20, MaxItemSize = 128 << 20, MaxKeyLength = 1000 },
        cluster: null, _dir.Options("no"), configureLogging: null);

    /// <summary>Bytes no reply marker can hide in: a repeating a..y pattern with one distinct byte at each end.</summary>
    private static byte[] Value()
    {
        byte[] value = new byte[ValueLength];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = (byte)('a' + (i % 25));
        }

        value[0] = (byte)'<';
        value[^1] = (byte)'>';
        return value;
    }

    [Fact]
    public async Task ASixtyFourMegabyteValueRoundTripsOverEveryProtocolAndSurvivesARestart()
    {
        byte[] value = Value();
        string key = "big:" + new string('k', 600); // a long key too: a long-key record with a 64 MiB payload
        byte[] keyBytes = Encoding.ASCII.GetBytes(key);
        await using (TroveNode first = await StartAsync())
        {
            byte[] set = [.. Encoding.ASCII.GetBytes($"ms {key} {ValueLength} F3\r\n"), .. value, .. "\r\n"u8.ToArray()];
            Assert.Equal("HD\r\n", Encoding.ASCII.GetString(await BulkClient.TextAsync(first.Port, set)));
            AssertMetaValue(await BulkClient.TextAsync(first.Port, Encoding.ASCII.GetBytes($"mg {key} v f\r\n")), value);

            byte[] binary = await BulkClient.BinaryAsync(first.Port, StoreLongKeyTests.Packet(0x00, keyBytes));
            (int status, byte[] body, _) = StoreLongKeyTests.Read(binary, 0);
            Assert.Equal(0, status);
            Assert.Equal(4 + ValueLength, body.Length);
            Assert.True(body.AsSpan(4).SequenceEqual(value));

            // A text set of a second, short-keyed copy, so the classic path carries one too.
            byte[] text = [.. "set copy 0 0 "u8.ToArray(), .. Encoding.ASCII.GetBytes($"{ValueLength}\r\n"), .. value, .. "\r\n"u8.ToArray()];
            Assert.Equal("STORED\r\n", Encoding.ASCII.GetString(await BulkClient.TextAsync(first.Port, text)));
        }

        await using TroveNode second = await StartAsync();
        AssertMetaValue(await BulkClient.TextAsync(second.Port, Encoding.ASCII.GetBytes($"mg {key} v f\r\n")), value);
        byte[] got = await BulkClient.TextAsync(second.Port, "get copy\r\n"u8.ToArray());
        byte[] header = Encoding.ASCII.GetBytes($"VALUE copy 0 {ValueLength}\r\n");
        Assert.True(got.AsSpan(0, header.Length).SequenceEqual(header));
        Assert.True(got.AsSpan(header.Length, ValueLength).SequenceEqual(value));
        Assert.Equal("\r\nEND\r\n", Encoding.ASCII.GetString(got.AsSpan(header.Length + ValueLength)));
    }

    private static void AssertMetaValue(byte[] reply, byte[] value)
    {
        byte[] header = Encoding.ASCII.GetBytes($"VA {ValueLength} f3\r\n");
        Assert.Equal(header.Length + ValueLength + 2, reply.Length);
        Assert.True(reply.AsSpan(0, header.Length).SequenceEqual(header));
        Assert.True(reply.AsSpan(header.Length, ValueLength).SequenceEqual(value));
        Assert.True(reply.AsSpan(header.Length + ValueLength).SequenceEqual("\r\n"u8));
    }
}

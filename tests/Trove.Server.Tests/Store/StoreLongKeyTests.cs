using System.Buffers.Binary;
using System.Text;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Store;

/// <summary>
/// Store mode with --max-key-length 60000 over real sockets: long keys through meta (plain and base64) and binary,
/// kept across a restart; one byte over the limit is refused exactly as memcached refuses a 251-byte key; the classic
/// text commands keep memcached's 250.
/// </summary>
public sealed class StoreLongKeyTests : IDisposable
{
    private const int Limit = 60_000;
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TroveNode> StartStoreAsync() =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions { MaxKeyLength = Limit }, cluster: null, _dir.Options(), configureLogging: null);

    private static Task<TroveNode> StartCacheAsync() =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(), cluster: null, store: null, configureLogging: null);

    private static string KeyOf(int length, char fill = 'k') => "long:" + new string(fill, length - 5);

    private static async Task<string> TextAsync(int port, string script) =>
        Encoding.Latin1.GetString(await BulkClient.TextAsync(port, Encoding.Latin1.GetBytes(script)));

    [Fact]
    public async Task APlainMetaKeyOf60000BytesIsStoredReadDeletedAndKeptAcrossARestart()
    {
        string key = KeyOf(Limit);
        string other = KeyOf(Limit, 'o');
        await using (TroveNode first = await StartStoreAsync())
        {
            Assert.Equal("HD\r\nHD\r\n", await TextAsync(first.Port, $"ms {key} 5 T0 F7\r\nhello\r\nms {other} 3\r\nbye\r\n"));
            Assert.Equal($"VA 5 f7 k{key}\r\nhello\r\n", await TextAsync(first.Port, $"mg {key} v f k\r\n"));
            Assert.Equal("HD\r\nEN\r\n", await TextAsync(first.Port, $"md {other}\r\nmg {other} v\r\n"));
        }

        await using (TroveNode second = await StartStoreAsync())
        {
            Assert.Equal("VA 5 f7\r\nhello\r\nEN\r\n", await TextAsync(second.Port, $"mg {key} v f\r\nmg {other} v\r\n"));
            Assert.Equal("HD\r\n", await TextAsync(second.Port, $"md {key}\r\n"));
        }

        await using TroveNode third = await StartStoreAsync();
        Assert.Equal("EN\r\n", await TextAsync(third.Port, $"mg {key} v\r\n"));
    }

    [Fact]
    public async Task ABase64MetaKeyCountsByItsDecodedLengthAndIsEchoedEncoded()
    {
        byte[] raw = new byte[Limit];
        new Random(5).NextBytes(raw);
        string encoded = Convert.ToBase64String(raw);
        Assert.True(encoded.Length > Limit);
        await using (TroveNode first = await StartStoreAsync())
        {
            Assert.Equal("HD\r\n", await TextAsync(first.Port, $"ms {encoded} 3 b\r\nabc\r\n"));
            Assert.Equal($"VA 3 k{encoded} b\r\nabc\r\n", await TextAsync(first.Port, $"mg {encoded} b v k\r\n"));
        }

        await using TroveNode second = await StartStoreAsync();
        Assert.Equal($"VA 3 k{encoded} b\r\nabc\r\n", await TextAsync(second.Port, $"mg {encoded} b v k\r\n"));
        Assert.StartsWith($"ME {encoded} exp=-1 ", await TextAsync(second.Port, $"me {encoded} b\r\n"));
    }

    [Fact]
    public async Task ABinaryKeyOf60000BytesIsStoredReadDeletedAndKeptAcrossARestart()
    {
        byte[] key = Encoding.ASCII.GetBytes(KeyOf(Limit, 'b'));
        await using (TroveNode first = await StartStoreAsync())
        {
            byte[] reply = await BulkClient.BinaryAsync(first.Port, [.. Packet(0x01, key, SetExtras(9), "value"u8.ToArray()), .. Packet(0x0c, key)]);
            (int status, byte[] stored, _) = Read(reply, 0);
            Assert.Equal(0, status);
            Assert.Empty(stored);
            (status, byte[] getk, int keyLength) = Read(reply, 24);
            Assert.Equal(0, status);
            Assert.Equal(key.Length, keyLength);
            Assert.Equal([.. new byte[] { 0, 0, 0, 9 }, .. key, .. "value"u8.ToArray()], getk);
        }

        await using (TroveNode second = await StartStoreAsync())
        {
            byte[] reply = await BulkClient.BinaryAsync(second.Port, [.. Packet(0x00, key), .. Packet(0x04, key), .. Packet(0x00, key)]);
            (int status, byte[] body, _) = Read(reply, 0);
            Assert.Equal(0, status);
            Assert.Equal([0, 0, 0, 9, .. "value"u8.ToArray()], body);
            int next = 24 + body.Length;
            Assert.Equal(0, Read(reply, next).Status); // deleted
            Assert.Equal(1, Read(reply, next + 24).Status); // then not found
        }

        await using TroveNode third = await StartStoreAsync();
        Assert.Equal(1, Read(await BulkClient.BinaryAsync(third.Port, Packet(0x00, key)), 0).Status);
    }

    /// <summary>memcached 1.6.18 refuses a 251-byte key so; a store node refuses a key one byte over its limit the same way.</summary>
    [Theory]
    [InlineData("mg {0} v\r\n")]
    [InlineData("md {0}\r\n")]
    [InlineData("ma {0}\r\n")]
    [InlineData("ms {0} 5\r\nhello\r\n")]
    [InlineData("me {0}\r\n")]
    public async Task AMetaKeyOneByteOverTheLimitIsRefusedAsMemcachedRefusesA251ByteKey(string command)
    {
        await using TroveNode store = await StartStoreAsync();
        await using TroveNode cache = await StartCacheAsync();

        string refused = await TextAsync(store.Port, string.Format(command, KeyOf(Limit + 1)));
        string memcached = await TextAsync(cache.Port, string.Format(command, KeyOf(251)));

        Assert.StartsWith("CLIENT_ERROR bad command line format\r\n", memcached);
        Assert.Equal(memcached, refused);
    }

    [Fact]
    public async Task ABinaryKeyOneByteOverTheLimitIsRefusedAsMemcachedRefusesA251ByteKey()
    {
        await using TroveNode store = await StartStoreAsync();
        await using TroveNode cache = await StartCacheAsync();

        Transcript refused = await RawClient.ExchangeAsync(store.Port, [Packet(0x00, new byte[Limit + 1])], Delivery.Whole, appendSentinel: false, binary: true);
        Transcript memcached = await RawClient.ExchangeAsync(cache.Port, [Packet(0x00, new byte[251])], Delivery.Whole, appendSentinel: false, binary: true);

        Assert.Equal(ExchangeEnd.PeerClosed, memcached.End);
        Assert.Equal(ExchangeEnd.PeerClosed, refused.End);
        Assert.Equal(4, Read(memcached.Reply, 0).Status); // Invalid arguments
        Assert.Equal(memcached.Reply, refused.Reply);
    }

    /// <summary>The classic text commands keep memcached's limit whatever --max-key-length says.</summary>
    [Fact]
    public async Task TextCommandsStillRefuseKeysOver250BytesInStoreMode()
    {
        string key = KeyOf(251);
        string script = $"set {key} 0 0 1\r\nx\r\nget {key}\r\ndelete {key}\r\n";
        await using TroveNode store = await StartStoreAsync();
        await using TroveNode cache = await StartCacheAsync();

        string memcached = await TextAsync(cache.Port, script);
        Assert.Equal(memcached, await TextAsync(store.Port, script));
        Assert.Contains("CLIENT_ERROR", memcached);

        // A long key stored over meta is there, but only meta and binary reach it.
        Assert.Equal("HD\r\n", await TextAsync(store.Port, $"ms {key} 1\r\ny\r\n"));
        Assert.Equal(memcached, await TextAsync(store.Port, script));
        Assert.Equal("VA 1\r\ny\r\n", await TextAsync(store.Port, $"mg {key} v\r\n"));
    }

    [Fact]
    public async Task StatsSettingsShowsARaisedKeyLimitOnly()
    {
        await using TroveNode store = await StartStoreAsync();
        await using TroveNode cache = await StartCacheAsync();

        Assert.Equal("60000", (await Stats.ReadAsync(store.Port, "stats settings")).Values["key_max_length"]);
        Assert.False((await Stats.ReadAsync(cache.Port, "stats settings")).Values.ContainsKey("key_max_length"));
    }

    [Fact]
    public async Task ACacheNodeRefusesToStartWithKeysOver250()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TroveNode.StartAsync(
            new ServerOptions { Port = 0 }, new EngineOptions { MaxKeyLength = 251 }, cluster: null, store: null, configureLogging: null));
        Assert.Equal("--max-key-length above 250 needs --mode store (Parameter 'engine')", refused.Message);
    }

    /// <summary>A binary request: header, extras, key, value.</summary>
    internal static byte[] Packet(byte opcode, byte[] key, byte[]? extras = null, byte[]? value = null, uint opaque = 0)
    {
        extras ??= [];
        value ??= [];
        byte[] packet = new byte[24 + extras.Length + key.Length + value.Length];
        packet[0] = 0x80;
        packet[1] = opcode;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)key.Length);
        packet[4] = (byte)extras.Length;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), (uint)(extras.Length + key.Length + value.Length));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), opaque);
        extras.CopyTo(packet, 24);
        key.CopyTo(packet, 24 + extras.Length);
        value.CopyTo(packet, 24 + extras.Length + key.Length);
        return packet;
    }

    /// <summary>Set extras: flags, then exptime 0.</summary>
    internal static byte[] SetExtras(uint flags)
    {
        byte[] extras = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(extras, flags);
        return extras;
    }

    /// <summary>The status, body (extras, key, value) and key length of the binary reply at <paramref name="offset"/>.</summary>
    internal static (int Status, byte[] Body, int KeyLength) Read(ReadOnlySpan<byte> reply, int offset)
    {
        ReadOnlySpan<byte> header = reply.Slice(offset, 24);
        Assert.Equal(0x81, header[0]);
        int bodyLength = (int)BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        return (BinaryPrimitives.ReadUInt16BigEndian(header[6..]), reply.Slice(offset + 24, bodyLength).ToArray(), BinaryPrimitives.ReadUInt16BigEndian(header[2..]));
    }
}

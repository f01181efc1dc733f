using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Store;

/// <summary>Store mode when the log cannot be written: no write is ever acknowledged that the log did not take.</summary>
public sealed class StoreFailureTests : IDisposable
{
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false, "SERVER_ERROR log write failed\r\n", "WriteFailed")]
    [InlineData(true, "SERVER_ERROR out of disk space\r\n", "DiskFull")]
    public async Task AfterTheLogFailsTheBatchLosesItsConnectionAndLaterWritesAreRefused(bool diskFull, string refusal, string state)
    {
        var disk = new FailingFileSystem();
        var options = new StoreOptions { Mode = "store", DataDir = _dir.DataDir, Fsync = "always", FileSystem = disk };
        await using TroveNode node = await StoreNode.StartAsync(options);
        Assert.Equal("STORED\r\n", await StoreNode.SendAsync(node.Port, "set a 0 0 1\r\n1\r\n"));

        disk.Fail = new IOException("injected", diskFull ? 28 : 5);
        // The batch whose record failed: its replies would claim success, so the connection closes with none.
        Transcript failed = await RawClient.ExchangeAsync(node.Port, Encoding.ASCII.GetBytes("set b 0 0 1\r\n2\r\n"));
        Assert.Equal(ExchangeEnd.PeerClosed, failed.End);
        Assert.Empty(failed.Reply);

        // From now on every write command is refused before it changes anything; reads still work.
        Assert.Equal(refusal + refusal + refusal + refusal + refusal + refusal + "VALUE a 0 1\r\n1\r\nEND\r\n",
            await StoreNode.SendAsync(node.Port, "set c 0 0 1\r\n3\r\ndelete a\r\nincr a 1\r\ntouch a 10\r\nms d 1\r\n4\r\nmd a\r\nget a\r\n"));
        Stats stats = await Stats.ReadAsync(node.Port, "stats store");
        Assert.Equal(1, stats["store_write_errors"]);
        Assert.Equal(state, stats.Values["store_writer_state"]);
    }

    [Fact]
    public async Task AfterTheLogFailsBinaryWritesAreRefusedWithTemporaryFailureAndReadsStillWork()
    {
        var disk = new FailingFileSystem();
        var options = new StoreOptions { Mode = "store", DataDir = _dir.DataDir, Fsync = "always", FileSystem = disk };
        await using TroveNode node = await StoreNode.StartAsync(options);
        Assert.Equal("STORED\r\n", await StoreNode.SendAsync(node.Port, "set a 0 0 1\r\n1\r\n"));
        disk.Fail = new IOException("injected", 5);
        Assert.Equal(ExchangeEnd.PeerClosed, (await RawClient.ExchangeAsync(node.Port, Encoding.ASCII.GetBytes("set b 0 0 1\r\n2\r\n"))).End);

        byte[] requests = [.. BinaryPacket.Parse("set key=c flags=0 exp=0 value=3 opaque=1"), .. BinaryPacket.Parse("delete key=a opaque=2"),
            .. BinaryPacket.Parse("incr key=a delta=1 initial=0 exp=0 opaque=3"), .. BinaryPacket.Parse("touch key=a exp=10 opaque=4"),
            .. BinaryPacket.Parse("get key=a opaque=5")];
        Transcript reply = await RawClient.ExchangeAsync(node.Port, [requests], Delivery.Whole, binary: true);

        // Each response: status (u16 at 6), body length (u32 at 8), extras length (at 4); the get's value after its extras.
        var statuses = new List<int>();
        string got = "";
        for (int at = 0; at + 24 <= reply.Reply.Length && statuses.Count < 5; )
        {
            int status = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(reply.Reply.AsSpan(at + 6));
            int body = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(reply.Reply.AsSpan(at + 8));
            statuses.Add(status);
            if (statuses.Count == 5)
                got = Encoding.ASCII.GetString(reply.Reply, at + 24 + reply.Reply[at + 4], body - reply.Reply[at + 4]);
            at += 24 + body;
        }
        Assert.Equal([0x86, 0x86, 0x86, 0x86, 0x00], statuses);
        Assert.Equal("1", got); // nothing changed: a is still 1, c was never stored
        Assert.Equal("VALUE a 0 1\r\n1\r\nEND\r\n", await StoreNode.SendAsync(node.Port, "get a c\r\n"));
    }
}

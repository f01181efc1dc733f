using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>A client that goes away in the middle of a value (text, meta or binary) leaves nothing behind: no new item, no changed item.</summary>
[Collection(RobustnessCollection.Name)]
public sealed class MidValueDisconnectTests
{
    [Theory]
    [InlineData("set k 0 0 100\r\n", false)]
    [InlineData("add k 0 0 100\r\n", false)]
    [InlineData("ms k 100 T0\r\n", false)]
    [InlineData("set k 0 0 100\r\n", true)]
    [InlineData("ms k 100 T0\r\n", true)]
    public async Task A_new_item_whose_value_never_completes_is_not_stored(string header, bool reset)
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        long baseline = (await Stats.ReadAsync(server.Port))["curr_connections"];

        await SendAndDropAsync(server.Port, header + new string('v', 60), reset);
        await Stats.WaitForConnectionsAsync(server.Port, baseline);

        Transcript transcript = await RawClient.ExchangeAsync(server.Port, Encoding.ASCII.GetBytes("get k\r\nmg k v\r\n"));
        Assert.Equal("END\r\nEN\r\nMN\r\n", Encoding.Latin1.GetString(transcript.Reply));
        Stats stats = await Stats.ReadAsync(server.Port);
        Assert.Equal(0, stats["curr_items"]);
        Assert.Equal(0, stats["bytes"]);
    }

    [Theory]
    [InlineData("set k 0 0 100\r\n")]
    [InlineData("replace k 0 0 100\r\n")]
    [InlineData("append k 0 0 100\r\n")]
    [InlineData("prepend k 0 0 100\r\n")]
    [InlineData("cas k 0 0 100 1\r\n")]
    [InlineData("ms k 100 MA\r\n")]
    public async Task An_update_whose_value_never_completes_leaves_the_stored_item_unchanged(string header)
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        Transcript stored = await RawClient.ExchangeAsync(server.Port, Encoding.ASCII.GetBytes("set k 7 0 8\r\noriginal\r\n"));
        Assert.Equal("STORED\r\nMN\r\n", Encoding.Latin1.GetString(stored.Reply));
        Stats before = await Stats.ReadAsync(server.Port);

        await SendAndDropAsync(server.Port, header + new string('v', 60), reset: false);
        await Stats.WaitForConnectionsAsync(server.Port, before["curr_connections"]);

        Transcript transcript = await RawClient.ExchangeAsync(server.Port, Encoding.ASCII.GetBytes("gets k\r\n"));
        Assert.Equal("VALUE k 7 8 1\r\noriginal\r\nEND\r\nMN\r\n", Encoding.Latin1.GetString(transcript.Reply));
        Stats after = await Stats.ReadAsync(server.Port);
        Assert.Equal(before["curr_items"], after["curr_items"]);
        Assert.Equal(before["bytes"], after["bytes"]);
    }

    [Theory]
    [InlineData("set", false)]
    [InlineData("setq", true)]
    [InlineData("add", false)]
    [InlineData("replace", true)]
    [InlineData("append", false)]
    [InlineData("prepend", true)]
    public async Task A_binary_value_that_never_completes_leaves_the_stored_item_unchanged(string opcode, bool reset)
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        // Read before any other client: a closed connection may still be counted for a moment after its exchange.
        long baseline = (await Stats.ReadAsync(server.Port))["curr_connections"];
        Transcript stored = await RawClient.ExchangeAsync(server.Port, Encoding.ASCII.GetBytes("set k 7 0 8\r\noriginal\r\n"));
        Assert.Equal("STORED\r\nMN\r\n", Encoding.Latin1.GetString(stored.Reply));
        Stats before = await Stats.ReadAsync(server.Port);

        // Header, extras, key and 60 of the 100 value bytes; a new key too, which must not appear.
        byte[] update = BinaryPacket.Parse($"{opcode} key=k valuelen=100");
        byte[] create = BinaryPacket.Parse($"{opcode} key=new valuelen=100");
        await SendAndDropAsync(server.Port, [.. create[..^40]], reset);
        await SendAndDropAsync(server.Port, [.. update[..^40]], reset);
        await Stats.WaitForConnectionsAsync(server.Port, baseline);

        Transcript transcript = await RawClient.ExchangeAsync(server.Port, Encoding.ASCII.GetBytes("gets k new\r\n"));
        Assert.Equal("VALUE k 7 8 1\r\noriginal\r\nEND\r\nMN\r\n", Encoding.Latin1.GetString(transcript.Reply));
        Stats after = await Stats.ReadAsync(server.Port);
        Assert.Equal(before["curr_items"], after["curr_items"]);
        Assert.Equal(before["bytes"], after["bytes"]);
    }

    private static Task SendAndDropAsync(int port, string partial, bool reset) =>
        SendAndDropAsync(port, Encoding.ASCII.GetBytes(partial), reset);

    private static async Task SendAndDropAsync(int port, byte[] partial, bool reset)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(partial, SocketFlags.None);
        if (reset)
        {
            socket.LingerState = new LingerOption(true, 0);
        }

        socket.Close();
    }
}

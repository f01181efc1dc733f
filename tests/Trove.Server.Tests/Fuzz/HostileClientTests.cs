using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// Clients that misbehave slowly rather than loudly: one that never reads its replies (text or binary), one that
/// stops in the middle of a request. Neither may stall other clients or make the node buffer without bound.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class HostileClientTests
{
    private const int ValueSize = 256 * 1024;
    private const int Gets = 1000;                  // 250 MiB of replies if they were all buffered
    private const long Allowance = 64L << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_never_reads_its_replies_is_held_back_not_buffered(bool binary)
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        byte[] value = new byte[ValueSize];
        Array.Fill(value, (byte)'v');
        byte[] set = [.. Encoding.ASCII.GetBytes($"set big 0 0 {ValueSize}\r\n"), .. value, .. "\r\n"u8];
        Transcript stored = await RawClient.ExchangeAsync(server.Port, set);
        Assert.Equal("STORED\r\nMN\r\n", Encoding.Latin1.GetString(stored.Reply));
        long baselineConnections = (await Stats.ReadAsync(server.Port))["curr_connections"];
        long allowance = Allowance + (server is MemcachedProcess ? (long)ServerSettings.Default.MemoryMegabytes << 20 : 0);
        long baselineMemory = server.SettledMemoryBytes();

        using (var greedy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 16 * 1024 })
        {
            await greedy.ConnectAsync(IPAddress.Loopback, server.Port);
            byte[] get = binary ? BinaryPacket.Parse("get key=big") : "get big\r\n"u8.ToArray();
            byte[] pipeline = [.. Enumerable.Repeat(get, Gets).SelectMany(request => request)];
            await greedy.SendAsync(pipeline, SocketFlags.None);

            // Others are served while the greedy client's replies pile up, and the node holds a bounded amount.
            for (int i = 0; i < 3; i++)
            {
                await NodeChecks.AnswersSetAndGetAsync(server.Port, $"other:{i}");
                long held = server.SettledMemoryBytes();
                Assert.True(held <= baselineMemory + allowance,
                    $"{server.Name} holds {held >> 20} MiB for a client that does not read; baseline {baselineMemory >> 20} MiB, allowance {allowance >> 20} MiB");
            }

            greedy.LingerState = new LingerOption(true, 0);
        }

        await Stats.WaitForConnectionsAsync(server.Port, baselineConnections);
        await NodeChecks.AnswersSetAndGetAsync(server.Port, "after");
        long settled = server.SettledMemoryBytes();
        Assert.True(settled <= baselineMemory + allowance, $"{server.Name} holds {settled >> 20} MiB after the greedy client left");
    }

    [Fact]
    public async Task A_client_that_stops_in_the_middle_of_a_request_holds_up_nobody()
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await slow.ConnectAsync(IPAddress.Loopback, server.Port);

        await slow.SendAsync("set slow 0 0 5\r\nhel"u8.ToArray(), SocketFlags.None);
        await NodeChecks.AnswersSetAndGetAsync(server.Port, "fast");
        await slow.SendAsync("lo\r\nget slow\r\n"u8.ToArray(), SocketFlags.None);

        string expected = "STORED\r\nVALUE slow 0 5\r\nhello\r\nEND\r\n";
        var received = new List<byte>();
        byte[] buffer = new byte[256];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received.Count < expected.Length)
        {
            int n = await slow.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            Assert.True(n > 0, "the node closed the slow client's connection");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Assert.Equal(expected, Encoding.Latin1.GetString(received.ToArray()));
    }
}

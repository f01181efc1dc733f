using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// TROVE_CHURN_CONNECTIONS (default 10,000) connections opened and dropped, a few dozen at a time: some at once,
/// some mid-line, some mid-value, some by reset, some after a complete exchange.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class ConnectionChurnTests
{
    private const int InFlight = 32;

    [Fact]
    public async Task Ten_thousand_dropped_connections_leave_the_node_serving_with_its_connection_count_restored()
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        int port = server.Port;
        long baseline = (await Stats.ReadAsync(port))["curr_connections"];

        int next = -1;
        var failures = new List<string>();
        Task[] workers = [.. Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < FuzzSettings.ChurnConnections)
            {
                string? failure = await DropAsync(port, i);
                if (failure is not null)
                {
                    lock (failures)
                    {
                        failures.Add($"connection {i}: {failure}");
                    }
                }
            }
        }))];
        await Task.WhenAll(workers);

        Assert.True(failures.Count == 0, $"{failures.Count} connections failed; first ones:\n{string.Join("\n", failures.Take(5))}");
        await NodeChecks.AnswersSetAndGetAsync(port, "after-churn");
        await Stats.WaitForConnectionsAsync(port, baseline);
        Transcript leftovers = await RawClient.ExchangeAsync(port, Encoding.ASCII.GetBytes("get churn:value churn:reset\r\n"));
        Assert.Equal("END\r\nMN\r\n", Encoding.Latin1.GetString(leftovers.Reply));
        await NodeChecks.AccountingIsConsistentAsync(port);
    }

    /// <summary>One connection, dropped in the way its number selects.</summary>
    private static async Task<string?> DropAsync(int port, int i)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            switch (i % 5)
            {
                case 0:
                    break;
                case 1:
                    await socket.SendAsync("get churn:"u8.ToArray(), SocketFlags.None);
                    break;
                case 2:
                    await socket.SendAsync("set churn:value 0 0 100\r\n0123456789"u8.ToArray(), SocketFlags.None);
                    break;
                case 3:
                    await socket.SendAsync("set churn:reset 0 0 100\r\n0123456789"u8.ToArray(), SocketFlags.None);
                    socket.LingerState = new LingerOption(true, 0);
                    break;
                default:
                    Transcript transcript = await ExchangeOnAsync(socket);
                    if (transcript.End != ExchangeEnd.Sentinel)
                    {
                        return $"no complete reply: {transcript}";
                    }

                    break;
            }
        }
        catch (SocketException ex)
        {
            return $"{ex.SocketErrorCode}: {ex.Message}";
        }

        socket.Close();
        return null;
    }

    private static async Task<Transcript> ExchangeOnAsync(Socket socket)
    {
        await socket.SendAsync("get churn:x\r\nmn\r\n"u8.ToArray(), SocketFlags.None);
        var reply = new MemoryStream();
        var buffer = new byte[256];
        using var silence = new CancellationTokenSource(HarnessLimits.ReplySilence);
        while (!reply.ToArray().AsSpan().EndsWith("MN\r\n"u8))
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, silence.Token);
            }
            catch (OperationCanceledException)
            {
                return new Transcript(reply.ToArray(), ExchangeEnd.Hang);
            }

            if (read == 0)
            {
                return new Transcript(reply.ToArray(), ExchangeEnd.PeerClosed);
            }

            reply.Write(buffer, 0, read);
        }

        return new Transcript(reply.ToArray(), ExchangeEnd.Sentinel);
    }
}

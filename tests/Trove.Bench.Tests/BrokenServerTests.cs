using System.Net;
using System.Net.Sockets;
using Trove.Bench;

namespace Trove.Bench.Tests;

/// <summary>Runs against a fake server that misbehaves: the run must fail and say why, not hang or report numbers.</summary>
public sealed class BrokenServerTests
{
    [Fact]
    public async Task A_server_answering_something_else_than_memcached_fails_the_run()
    {
        await using var server = FakeServer.Start(reply: "HELLO\r\n"u8.ToArray());

        var (code, output) = await RunAsync(server.Address);

        Assert.Equal(BenchRunner.Failed, code);
        Assert.Contains("unexpected reply: HELLO", output);
    }

    [Fact]
    public async Task A_reply_of_the_wrong_kind_fails_the_run()
    {
        await using var server = FakeServer.Start(reply: "STORED\r\n"u8.ToArray()); // gets expect VALUE or END

        var (code, output) = await RunAsync(server.Address);

        Assert.Equal(BenchRunner.Failed, code);
        Assert.Contains("out of step", output);
    }

    [Fact]
    public async Task A_server_that_hangs_up_fails_the_run()
    {
        await using var server = FakeServer.Start(reply: null);

        var (code, output) = await RunAsync(server.Address);

        Assert.Equal(BenchRunner.Failed, code);
        Assert.StartsWith("error:", output);
    }

    [Fact]
    public async Task No_server_fails_the_run_with_connection_refused()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var (code, output) = await RunAsync($"127.0.0.1:{port}");

        Assert.Equal(BenchRunner.Failed, code);
        Assert.Contains("connection refused", output);
    }

    private static async Task<(int Code, string Output)> RunAsync(string server)
    {
        var output = new StringWriter();
        var options = new BenchOptions
        {
            Server = server, Connections = 2, GetWeight = 1, SetWeight = 0, WarmupSeconds = 0, DurationSeconds = 5,
        };
        var code = await BenchRunner.RunAsync(options, output, CancellationToken.None);
        return (code, output.ToString());
    }

    /// <summary>Answers every read with <c>reply</c>, or closes the connection at once when it is null.</summary>
    private sealed class FakeServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private FakeServer(byte[]? reply)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _accepting = AcceptAsync(reply);
        }

        public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public static FakeServer Start(byte[]? reply) => new(reply);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
            _stop.Dispose();
        }

        private async Task AcceptAsync(byte[]? reply)
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client, reply);
            }
        }

        private async Task ServeAsync(TcpClient client, byte[]? reply)
        {
            using (client)
            {
                if (reply is null)
                {
                    return;
                }
                var stream = client.GetStream();
                var buffer = new byte[4096];
                try
                {
                    while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                    {
                        await stream.WriteAsync(reply, _stop.Token);
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                }
            }
        }
    }
}

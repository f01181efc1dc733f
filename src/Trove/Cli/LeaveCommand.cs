using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Cluster;

namespace Trove.Cli;

/// <summary>
/// `trove leave --node HOST:PORT`: asks a node to leave its cluster gracefully and waits until it has. The node hands
/// its partitions over to their next owners (copies them and tells every member), announces its leave, keeps
/// answering its peers until they route elsewhere, and exits: exactly what SIGTERM does. The request is memcached's
/// `shutdown graceful`, so the node must run with --enable-shutdown (-A), as memcached requires for that command.
/// </summary>
internal static class LeaveCommand
{
    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "memcached address of the node that leaves, HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:11211" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the node to finish leaving", DefaultValueFactory = _ => 120 };
        var command = new Command("leave", "Make a node leave its cluster gracefully (hand its data over, then exit); the node needs --enable-shutdown.") { node, timeout };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output, error = parseResult.InvocationConfiguration.Error;
            string target = parseResult.GetValue(node)!;
            if (!ClusterSetup.TryParseSeeds(target, out var addresses) || addresses.Count != 1)
            {
                await error.WriteLineAsync($"trove leave: --node '{target}' is not HOST:PORT");
                return ExitCodes.Usage;
            }
            (string host, int port) = (addresses[0].Host, addresses[0].Port);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout))));
            var clock = Stopwatch.StartNew();
            try
            {
                using (var client = new TcpClient())
                {
                    await client.ConnectAsync(host, port, cts.Token);
                    NetworkStream stream = client.GetStream();
                    await stream.WriteAsync("shutdown graceful\r\n"u8.ToArray(), cts.Token);
                    // An accepted shutdown closes the connection without a reply (as memcached's does).
                    var buffer = new byte[256];
                    int read = await stream.ReadAsync(buffer, cts.Token);
                    if (read > 0)
                    {
                        string reply = Encoding.ASCII.GetString(buffer, 0, read).Trim();
                        await error.WriteLineAsync(reply.StartsWith("ERROR: shutdown not enabled", StringComparison.Ordinal)
                            ? $"trove leave: {target} was started without --enable-shutdown (-A); send its process SIGTERM instead"
                            : $"trove leave: {target} answered: {reply}");
                        return ExitCodes.Unavailable;
                    }
                }
                await output.WriteLineAsync($"{target} is handing its partitions over and leaving");
                while (await AcceptsAsync(host, port, cts.Token))
                    await Task.Delay(200, cts.Token);
                await output.WriteLineAsync($"{target} left after {clock.Elapsed.TotalSeconds:F1} s");
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync($"trove leave: {target} had not finished leaving after {clock.Elapsed.TotalSeconds:F0} s");
                return ExitCodes.Unavailable;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                await error.WriteLineAsync($"trove leave: cannot reach {target}: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    /// <summary>Whether the node still accepts connections (it closes its port when it has left).</summary>
    private static async Task<bool> AcceptsAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

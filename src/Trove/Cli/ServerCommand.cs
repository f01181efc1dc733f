using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Trove.Server;

namespace Trove.Cli;

/// <summary>Runs one node until SIGTERM, Ctrl-C or the shutdown command.</summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(NodeSettings settings, CancellationToken cancellationToken)
    {
        PreferInlineSocketCompletions();
        TroveNode node;
        try
        {
            node = await TroveNode.StartAsync(settings.Server, settings.Engine, logging => ConfigureLogging(logging, settings.Server.Verbosity), cancellationToken);
        }
        catch (Exception ex) when (ex is AddressInUseException || ex.InnerException is AddressInUseException or SocketException)
        {
            await Console.Error.WriteLineAsync($"trove: failed to listen on {settings.Server.ListenAddress}:{settings.Server.Port}: {(ex.InnerException ?? ex).Message}");
            return ExitCodes.Unavailable;
        }

        await using (node)
        {
            try
            {
                await node.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C through the command line's own handler: stop as for SIGTERM.
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// Socket completions run on the epoll thread instead of being queued to the thread pool. With Kestrel's
    /// inline scheduling a request is read, executed and answered without a thread hop: 2.5x the throughput of
    /// the default for unpipelined clients (docs/benchmarks.md). It is read once, before the first socket, so it
    /// is set here, before the node starts; an explicit setting in the environment wins.
    /// </summary>
    private static void PreferInlineSocketCompletions()
    {
        const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, int verbosity)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        logging.SetMinimumLevel(verbosity switch
        {
            0 => LogLevel.Information,
            1 => LogLevel.Debug,
            _ => LogLevel.Trace,
        });
        // Framework chatter only when asked for (Kestrel also calls the memcached listener "http://").
        logging.AddFilter("Microsoft", verbosity >= 2 ? LogLevel.Debug : LogLevel.Warning);
    }
}

using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Trove.Server;
using Trove.Server.Store;
using Trove.Server.Tls;

namespace Trove.Cli;

/// <summary>Runs one node until SIGTERM, Ctrl-C or the shutdown command.</summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(NodeSettings settings, CancellationToken cancellationToken)
    {
        ConfigureSocketEngine(settings.Server.Threads);
        // memcached re-reads its auth file on SIGHUP; a file that fails to load leaves the old users in force.
        // Registered before the node starts: once the port accepts connections a client may already send the signal
        // (SIGHUP's default action would kill the process). A signal that arrives before the node is handed over here
        // is kept pending and applied then, so no reload is lost.
        TroveNode? started = null;
        int reloadPending = 0;
        void ReloadIfPending()
        {
            if (Volatile.Read(ref started) is { } running && Interlocked.Exchange(ref reloadPending, 0) == 1
                && !running.ReloadCredentials(out string? error))
            {
                Console.Error.WriteLine($"trove: auth file not reloaded: {error}");
            }
        }
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            Volatile.Write(ref reloadPending, 1);
            ReloadIfPending();
        });
        TroveNode node;
        try
        {
            node = await TroveNode.StartAsync(settings.Server, settings.Engine, settings.Cluster, settings.Store, logging => ConfigureLogging(logging, settings.Server.Verbosity), cancellationToken);
        }
        catch (Exception ex) when (ex is AddressInUseException || ex.InnerException is AddressInUseException or SocketException)
        {
            await Console.Error.WriteLineAsync($"trove: failed to listen on {settings.Server.ListenAddress}:{settings.Server.Port}: {(ex.InnerException ?? ex).Message}");
            return ExitCodes.Unavailable;
        }
        catch (SocketException ex) when (settings.Cluster.Enabled)
        {
            // Kestrel wraps its own bind failures (above); a bare SocketException comes from the gossip transport.
            await Console.Error.WriteLineAsync($"trove: failed to open gossip port {settings.Cluster.GossipPort} on {settings.Server.ListenAddress}: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        catch (StoreCorruptException ex)
        {
            await Console.Error.WriteLineAsync($"trove: {ex.Message}");
            return ExitCodes.DataError;
        }
        catch (StoreOpenException ex)
        {
            await Console.Error.WriteLineAsync($"trove: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or TlsLoadException)
        {
            // An unreadable or malformed auth file or TLS file: memcached also refuses to start (EX_USAGE).
            await Console.Error.WriteLineAsync($"trove: {ex.Message}");
            return ExitCodes.Usage;
        }

        Volatile.Write(ref started, node);
        ReloadIfPending();
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
    /// Socket completions run on the epoll threads instead of being queued to the thread pool: with Kestrel's
    /// inline scheduling a request is read, executed and answered without a thread hop (2.5x the unpipelined
    /// throughput of the default; docs/benchmarks.md). Each epoll thread then serves its connections itself, like
    /// memcached's worker threads, so -t sets how many there are (at most one per core). Both settings are read
    /// once, before the first socket, so they are set here; explicit settings in the environment win.
    /// </summary>
    private static void ConfigureSocketEngine(int threads)
    {
        SetUnlessPresent("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        int engines = Math.Clamp(threads, 1, Environment.ProcessorCount);
        SetUnlessPresent("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", engines.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void SetUnlessPresent(string variable, string value)
    {
        if (Environment.GetEnvironmentVariable(variable) is null)
        {
            Environment.SetEnvironmentVariable(variable, value);
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

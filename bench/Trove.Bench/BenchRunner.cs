using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trove.Bench;

/// <summary>Runs the load generator: connect, optionally load the key space, warm up, measure, report.</summary>
public static class BenchRunner
{
    /// <summary>Exit code when the options are invalid.</summary>
    public const int InvalidOptions = 2;

    /// <summary>Exit code when the run failed (server unreachable, stopped answering, or answered nonsense).</summary>
    public const int Failed = 1;

    /// <summary>Exit code when <c>ct</c> cancelled the run.</summary>
    public const int Cancelled = 130;

    // Load batches go deeper than the run's pipeline: loading is not measured, only waited for.
    private const int MinLoadDepth = 16;
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Asks .NET to run socket completions on its epoll thread instead of handing each to the
    /// thread pool, unless DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is already set. That turns the
    /// connection loops into one event loop and cuts the client's CPU per request (by about 40% in
    /// short runs here), which matters when client and server share two cores. Only effective if
    /// called before the process's first socket operation, so call it first thing in Main of a
    /// bench-only process.
    /// </summary>
    public static void PreferInlineSocketCompletions()
    {
        const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>
    /// Runs one benchmark against <see cref="BenchOptions.Server"/> and writes the report to
    /// <paramref name="output"/>. Returns 0 on success, <see cref="InvalidOptions"/>,
    /// <see cref="Failed"/> or <see cref="Cancelled"/>. Error replies from the server do not fail
    /// the run; they are counted and reported.
    /// </summary>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                output.WriteLine($"error: {problem}");
            }
            return InvalidOptions;
        }

        var connections = new List<BenchConnection>(options.Connections);
        try
        {
            var server = await ResolveAsync(options.Server, ct).ConfigureAwait(false);
            var writer = new RequestWriter(options.KeyPrefix, options.Keys, options.ValueSize, options.KeyList);
            var chooser = options.Zipf is { } s ? KeyChooser.Zipf(options.Keys, s) : KeyChooser.Uniform(options.Keys);
            var loading = options.Load || options.LoadOnly;
            var loadDepth = Math.Max(options.Pipeline, MinLoadDepth);
            var maxBatch = loading ? loadDepth : options.Pipeline;

            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connectTimeout.CancelAfter(s_connectTimeout);
                for (var i = 0; i < options.Connections; i++)
                {
                    connections.Add(await BenchConnection.ConnectAsync(
                        server, options, writer, chooser, i, maxBatch, connectTimeout.Token).ConfigureAwait(false));
                }
            }

            var load = loading ? await LoadAsync(options, connections, loadDepth, ct).ConfigureAwait(false) : (0, 0);
            var window = options.LoadOnly ? null : await Measurement.RunAsync(options, connections, ct).ConfigureAwait(false);
            var result = Merge(options, connections, load, window);

            BenchReport.WriteText(result, output);
            if (options.Json)
            {
                BenchReport.WriteJson(result, output);
            }
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            output.WriteLine("cancelled");
            return Cancelled;
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or ObjectDisposedException
                                  or TimeoutException or OperationCanceledException)
        {
            output.WriteLine($"error: {Describe(e)}");
            return Failed;
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    private static async Task<(long Keys, double Seconds)> LoadAsync(
        BenchOptions options, List<BenchConnection> connections, int depth, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.LoadTimeoutSeconds));
        // Closing the sockets is what unblocks a load stuck on a silent server.
        using var abort = timeout.Token.Register(() => BenchConnection.AbortAll(connections));
        var started = Stopwatch.GetTimestamp();
        var stride = connections.Count;
        var loads = new Task[stride];
        for (var i = 0; i < stride; i++)
        {
            var connection = connections[i];
            var first = i;
            loads[i] = Task.Run(() => connection.LoadAsync(first, stride, options.Keys, depth), CancellationToken.None);
        }
        try
        {
            await Task.WhenAll(loads).ConfigureAwait(false);
        }
        catch when (timeout.IsCancellationRequested)
        {
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"loading {options.Keys} keys took over --load-timeout {options.LoadTimeoutSeconds} s");
        }
        return (options.Keys, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static BenchResult Merge(
        BenchOptions options, List<BenchConnection> connections, (long Keys, double Seconds) load, Measurement.Window? window)
    {
        var loadStats = new ConnectionStats();
        var stats = new ConnectionStats();
        var latency = new LatencyHistogram();
        foreach (var connection in connections)
        {
            loadStats.Add(connection.LoadStats);
            stats.Add(connection.Stats);
            latency.Add(connection.Histogram);
        }
        return new BenchResult
        {
            Options = options,
            LoadedKeys = load.Keys,
            LoadSeconds = load.Seconds,
            LoadStats = loadStats,
            Measured = window is not null,
            MeasuredSeconds = window?.Seconds ?? 0,
            Stats = stats,
            Latency = latency,
            ClientCpuSeconds = window?.CpuSeconds ?? 0,
            ClientMeterSeconds = window?.MeterSeconds ?? 0,
            ClientAllocatedBytes = window?.AllocatedBytes ?? 0,
        };
    }

    private static async Task<IPEndPoint> ResolveAsync(string server, CancellationToken ct)
    {
        Endpoint.TryParse(server, out var endpoint, out _); // validated already
        if (IPAddress.TryParse(endpoint.Host, out var address))
        {
            return new IPEndPoint(address, endpoint.Port);
        }
        var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, ct).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new IOException($"{endpoint.Host} has no address");
        return new IPEndPoint(chosen, endpoint.Port);
    }

    private static string Describe(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused: is the server running?",
        OperationCanceledException => "timed out connecting to the server",
        _ => e.Message,
    };
}

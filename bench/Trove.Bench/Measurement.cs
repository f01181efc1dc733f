using System.Diagnostics;

namespace Trove.Bench;

/// <summary>
/// The measured part of a run, over connections already open (and loaded). Timed runs warm up for
/// --warmup seconds and count --duration seconds; counted runs (--requests) have every connection
/// send an equal share of the warm-up and measured requests, so two servers see the same amount
/// of traffic however fast they are, which is what hit-ratio comparisons need.
/// </summary>
internal static class Measurement
{
    // After a timed window, how long connections get to finish the batch in flight.
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What the measured window took: wall-clock seconds; and this process's CPU seconds and bytes
    /// allocated over <c>MeterSeconds</c> (the same window, except counted runs include warm-up).
    /// </summary>
    internal sealed record Window(double Seconds, double CpuSeconds, long AllocatedBytes, double MeterSeconds);

    public static Task<Window> RunAsync(BenchOptions options, IReadOnlyList<BenchConnection> connections, CancellationToken ct) =>
        options.Requests is { } requests
            ? CountedAsync(options, requests, connections, ct)
            : TimedAsync(options, connections, ct);

    /// <summary>Batches each connection sends so that all together send at least <paramref name="requests"/>.</summary>
    internal static long BatchesPerConnection(long requests, int connections, int pipeline) =>
        (requests + (long)connections * pipeline - 1) / ((long)connections * pipeline);

    private static async Task<Window> TimedAsync(BenchOptions options, IReadOnlyList<BenchConnection> connections, CancellationToken ct)
    {
        var control = new RunControl();
        var all = StartLoops(connections, control, 0, -1);
        try
        {
            // A loop only ends early by failing; WhenAny lets that surface at once.
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            FailIfEnded(all);

            var meter = ClientMeter.Start();
            control.StartMeasuring();
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), ct)).ConfigureAwait(false);
            var endedEarly = all.IsCompleted; // checked before Stop: after it, loops end as they should
            control.Stop();
            var window = meter.Stop(Stopwatch.GetTimestamp());
            ct.ThrowIfCancellationRequested();
            if (endedEarly)
            {
                FailIfEnded(all);
            }

            if (await Task.WhenAny(all, Task.Delay(s_drainTimeout, ct)).ConfigureAwait(false) != all)
            {
                ct.ThrowIfCancellationRequested();
                throw new TimeoutException($"the server did not answer the last requests within {s_drainTimeout.TotalSeconds} s");
            }
            await all.ConfigureAwait(false);
            return window;
        }
        finally
        {
            control.Stop();
            if (!all.IsCompleted)
            {
                BenchConnection.AbortAll(connections);
            }
        }
    }

    private static async Task<Window> CountedAsync(
        BenchOptions options, long requests, IReadOnlyList<BenchConnection> connections, CancellationToken ct)
    {
        var control = new RunControl();
        var warmupBatches = BatchesPerConnection(options.WarmupRequests, connections.Count, options.Pipeline);
        var measuredBatches = BatchesPerConnection(requests, connections.Count, options.Pipeline);
        var meter = ClientMeter.Start();
        var all = StartLoops(connections, control, warmupBatches, measuredBatches);
        try
        {
            // --duration bounds a counted run: a server too slow for the count fails it.
            var limit = TimeSpan.FromSeconds(options.DurationSeconds);
            if (await Task.WhenAny(all, Task.Delay(limit, ct)).ConfigureAwait(false) != all)
            {
                ct.ThrowIfCancellationRequested();
                throw new TimeoutException($"{options.WarmupRequests} + {requests} requests took over --duration {options.DurationSeconds} s");
            }
            await all.ConfigureAwait(false);
            // CPU and allocation cover warm-up too; the time covers only the measured requests.
            var whole = meter.Stop(Stopwatch.GetTimestamp());
            var seconds = Stopwatch.GetElapsedTime(control.MeasuringStartedAt).TotalSeconds;
            return whole with { Seconds = seconds };
        }
        finally
        {
            control.Stop();
            if (!all.IsCompleted)
            {
                BenchConnection.AbortAll(connections);
            }
        }
    }

    private static Task StartLoops(IReadOnlyList<BenchConnection> connections, RunControl control, long warmupBatches, long measuredBatches)
    {
        var loops = new Task[connections.Count];
        for (var i = 0; i < loops.Length; i++)
        {
            var connection = connections[i];
            loops[i] = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(control, warmupBatches, measuredBatches).ConfigureAwait(false);
                }
                catch
                {
                    control.Stop(); // one broken connection ends the run rather than quietly shrinking it
                    throw;
                }
            }, CancellationToken.None);
        }
        return Task.WhenAll(loops);
    }

    /// <summary>Rethrows the failure of a loop that ended before it was told to stop.</summary>
    private static void FailIfEnded(Task all)
    {
        if (all.IsCompleted)
        {
            all.GetAwaiter().GetResult();
            throw new IOException("connections stopped before the run ended");
        }
    }

    /// <summary>This process's CPU time and allocations from <see cref="Start"/> to <see cref="Stop"/>.</summary>
    private readonly record struct ClientMeter(long StartedAt, TimeSpan Cpu, long Allocated)
    {
        public static ClientMeter Start()
        {
            using var process = Process.GetCurrentProcess();
            return new ClientMeter(Stopwatch.GetTimestamp(), process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
        }

        public Window Stop(long endedAt)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - Allocated;
            using var process = Process.GetCurrentProcess();
            var cpu = (process.TotalProcessorTime - Cpu).TotalSeconds;
            var seconds = Stopwatch.GetElapsedTime(StartedAt, endedAt).TotalSeconds;
            return new Window(seconds, cpu, allocated, seconds);
        }
    }
}

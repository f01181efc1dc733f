using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Trove.Server.Store;

/// <summary>
/// Every <see cref="StoreOptions.CompactionCheckSeconds"/> asks the store whether the log has outgrown the live data
/// (<see cref="Trove.Storage.Persistence.CompactionTrigger"/>) and compacts it if so, on a thread of its own: the
/// compactor reads and writes files synchronously and takes each partition lock only for a CAS lookup.
/// </summary>
/// <remarks>
/// Not on a thread-pool thread: a compaction blocks its thread for seconds, and with one core (the pool's minimum is
/// the processor count) the connections' continuations then waited for the pool to add a thread: requests stalled
/// for 200-400 ms at every compaction (docs/benchmarks.md, "Store mode"; 40 ms on a dedicated thread).
/// </remarks>
internal sealed class StoreCompactionService(NodeStore store, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger("Trove.Store");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(store.Options.CompactionCheckSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                store.CheckWriter(); // a failed background fsync refuses writes even before a client's wait sees it
                try
                {
                    await RunOffThreadPool(store.CompactIfDue, stoppingToken);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    // The compactor leaves the directory recoverable whatever failed; the next tick tries again.
                    StoreLog.CompactionFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node stopping.
        }
    }

    /// <summary>Runs <paramref name="work"/> on a new thread (not the pool's) and completes with its result.</summary>
    internal static Task<T> RunOffThreadPool<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}

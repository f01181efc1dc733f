using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Trove.Server.Store;

/// <summary>
/// Every <see cref="StoreOptions.CompactionCheckSeconds"/> asks the store whether the log has outgrown the live data
/// (<see cref="Trove.Storage.Persistence.CompactionTrigger"/>) and compacts it if so, on a thread-pool thread: the
/// compactor reads and writes files synchronously and takes each partition lock only for a CAS lookup.
/// </summary>
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
                    await Task.Run(store.CompactIfDue, stoppingToken);
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
}

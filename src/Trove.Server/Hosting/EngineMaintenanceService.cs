using Microsoft.Extensions.Hosting;
using Trove.Storage;

namespace Trove.Server.Hosting;

/// <summary>
/// Background upkeep of the engine, as memcached's LRU crawler and slab automover threads do: the expiry
/// crawler reclaims expired and flushed items so their memory returns without a read of each dead key, and
/// the rebalancer returns surplus slab pages to the pool (and applies a lowered cache_memlimit).
/// </summary>
internal sealed class EngineMaintenanceService(CacheEngine engine) : BackgroundService
{
    /// <summary>Crawl in small steps so one step never holds a partition long: 1M items per ~20 s pass.</summary>
    private static readonly TimeSpan CrawlInterval = TimeSpan.FromMilliseconds(100);
    private const int ItemsPerCrawlStep = 5_000;
    private const int CrawlStepsPerRebalance = 10;
    private const int ItemsPerDemotionStep = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CrawlInterval);
        int step = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                engine.CrawlExpired(ItemsPerCrawlStep);
                // Store mode: keep free memory above the low watermark by moving cold values to the log (no-op otherwise).
                engine.DemoteCold(ItemsPerDemotionStep);
                if (++step % CrawlStepsPerRebalance == 0)
                {
                    engine.RebalanceMemory();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node stopping.
        }
    }
}

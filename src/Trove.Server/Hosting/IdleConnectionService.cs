using Microsoft.Extensions.Hosting;
using Trove.Server.Memcache;

namespace Trove.Server.Hosting;

/// <summary>
/// Closes connections idle longer than --idle-timeout (memcached's -o idle_timeout and its idle_kicks counter).
/// A sweep once a second over the registered connections, which already record their last command time, so the
/// request path pays nothing for it. With the timeout at 0 (the default) the service does nothing.
/// </summary>
internal sealed class IdleConnectionService(ServerContext context) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int timeout = context.Options.IdleTimeoutSeconds;
        if (timeout <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(SweepInterval, context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep(context, (uint)timeout);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node stopping.
        }
    }

    /// <summary>One sweep: close what idled too long and count it in idle_kicks.</summary>
    internal static void Sweep(ServerContext context, uint timeoutSeconds)
    {
        int kicked = context.Connections.CloseIdle(context.Engine.Now, timeoutSeconds);
        if (kicked > 0)
        {
            context.Counters.Add(ProtocolCounter.IdleKicks, kicked);
        }
    }
}

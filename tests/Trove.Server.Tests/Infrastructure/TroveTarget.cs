namespace Trove.Server.Tests.Infrastructure;

/// <summary>A Trove node started in this process with settings mirroring the memcached command line.</summary>
internal sealed class TroveTarget : IServerUnderTest
{
    private readonly TroveNode _node;

    private TroveTarget(TroveNode node) => _node = node;

    public string Name => "trove";

    public int Port => _node.Port;

    public static async Task<TroveTarget> StartAsync(ServerSettings settings)
    {
        using var startup = new CancellationTokenSource(HarnessLimits.Startup);
        TroveNode node = await TroveNode.StartAsync(settings.ToServerOptions(), settings.ToEngineOptions(), startup.Token);
        return new TroveTarget(node);
    }

    public long SettledMemoryBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

using System.Buffers;
using Trove.Storage;

namespace Trove.Server.Tests.Hosting;

public sealed class EngineMaintenanceTests
{
    [Fact]
    public async Task CrawlerReclaimsExpiredItemsThatAreNeverRead()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());
        CacheEngine engine = node.Context.Engine;
        var request = new StoreRequest { Mode = StoreMode.Set, ExpiresAt = engine.ToExpiry(1) };
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(StoreStatus.Stored, engine.Store(System.Text.Encoding.ASCII.GetBytes($"short-lived:{i}"), new ReadOnlySequence<byte>(new byte[100]), request).Status);
        }
        var keep = new StoreRequest { Mode = StoreMode.Set };
        Assert.Equal(StoreStatus.Stored, engine.Store("durable"u8, new ReadOnlySequence<byte>(new byte[10]), keep).Status);

        // The items expire after a second of wall time; the background crawler must then free them
        // without any client touching them. The limit only detects a crawler that never runs.
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (engine.GetStats().CurrItems > 1)
        {
            await Task.Delay(50, hang.Token);
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(1, stats.CurrItems);
        Assert.Equal(200, stats.CrawlerReclaimed);
        Assert.Equal(200, stats.ExpiredUnfetched);
        Assert.Equal(0, stats.GetExpired);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Trove.Cluster;
using Trove.Storage;

namespace Trove.Server.Tests.Cluster;

/// <summary>
/// A node started with another --replicas than the cluster's is refused at join: it logs one clear error and serves
/// alone, the seed logs once, and neither lists the other. Waits are for log events or states, bounded only as a hang guard.
/// </summary>
public sealed class SettingsRefusalTests
{
    private static readonly TimeSpan _guard = TimeSpan.FromSeconds(60);

    private static ClusterNodeOptions Fast(string name, string? join = null) => LocalCluster.Fast(name, join);

    private static Task<TroveNode> StartAsync(ClusterNodeOptions cluster, Capture log) =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(), cluster, b => b.AddProvider(log));

    [Fact]
    public async Task ANodeWithOtherReplicasIsRefusedLogsOnceOnEachSideAndServesAlone()
    {
        var seedLog = new Capture();
        var oddLog = new Capture();
        await using TroveNode a = await StartAsync(Fast("a"), seedLog);
        string seed = a.GossipAddress!.Value.ToString();
        ClusterNodeOptions odd = Fast("x", seed);
        odd.Replicas = 3;
        await using TroveNode x = await StartAsync(odd, oddLog);

        string refused = await oddLog.First(25).WaitAsync(_guard);
        Assert.Equal("Not joined to cluster trove: this node's settings (partitions=1024 replicas=3) are refused. " +
            $"Every seed refused this node: {seed}: replicas differ (this node 3, cluster 2). " +
            "Serving alone until restarted with the cluster's settings", refused);
        Assert.Single(oddLog.Entries, e => e.Id == 107 && e.Message.StartsWith($"Refused by {seed} (a): replicas differ (this node 3, cluster 2);", StringComparison.Ordinal));
        Assert.Single(seedLog.Entries, e => e.Id == 108 && e.Message.StartsWith("Refused x at 127.0.0.1:", StringComparison.Ordinal)
            && e.Message.Contains(": replicas differ (this node 2, x 3);", StringComparison.Ordinal));

        // The seed keeps admitting nodes with its settings; x is in nobody's view but its own.
        await using TroveNode b = await StartAsync(Fast("b", seed), new Capture());
        await NodeView.WaitForAsync(a.Port, v => v.Count == 2 && v.All(r => r.State == "alive"), "b joined");
        Assert.DoesNotContain(await NodeView.ReadAsync(a.Port), r => r.Name == "x");
        Assert.Equal(["x"], (await NodeView.ReadAsync(x.Port)).Select(r => r.Name));
        Assert.Single(oddLog.Entries, e => e.Id == 25);
    }

    /// <summary>Keeps every log event of every category, from any thread.</summary>
    private sealed class Capture : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _firsts = new();

        public ConcurrentQueue<(int Id, string Message)> Entries { get; } = [];

        /// <summary>The message of the first event with <paramref name="id"/>, whenever it comes.</summary>
        public Task<string> First(int id) => Waiter(id).Task;

        private TaskCompletionSource<string> Waiter(int id) =>
            _firsts.GetOrAdd(id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            Entries.Enqueue((eventId.Id, message));
            Waiter(eventId.Id).TrySetResult(message);
        }

        public void Dispose()
        {
        }
    }
}

using Microsoft.Extensions.Logging;
using Trove.Cluster.Membership;
using Trove.Cluster.Transport;

namespace Trove.Cluster.Tests;

/// <summary>
/// Nodes on one <see cref="InMemoryNetwork"/> driven by one <see cref="ManualTimeProvider"/>: a run depends only on the
/// seed, and simulated minutes cost milliseconds.
/// </summary>
internal sealed class TestCluster : IDisposable
{
    private readonly int _seed;

    public TestCluster(int seed)
    {
        _seed = seed;
        Network = new InMemoryNetwork(Clock, seed);
    }

    public ManualTimeProvider Clock { get; } = new();

    public InMemoryNetwork Network { get; }

    public List<SwimNode> Nodes { get; } = [];

    public ListLogger Log { get; } = new();

    public static NodeAddress AddressOf(int index) => new($"10.0.{index / 250}.{index % 250 + 1}", 7946);

    /// <summary>Adds and starts node <c>node-NNN</c> at <see cref="AddressOf"/>(its index).</summary>
    public SwimNode Add(Action<ClusterOptions>? configure = null)
    {
        SwimNode node = Create(Nodes.Count, configure);
        Nodes.Add(node);
        return node;
    }

    /// <summary>Replaces node <paramref name="index"/> (already disposed) by a fresh process with the same name and address.</summary>
    public SwimNode Restart(int index, Action<ClusterOptions>? configure = null)
    {
        Network.Revive(AddressOf(index));
        SwimNode node = Create(index, configure, restart: 1);
        Nodes[index] = node;
        return node;
    }

    private SwimNode Create(int index, Action<ClusterOptions>? configure, int restart = 0)
    {
        // A restart is a new life: its generation is higher than the first one's, as a real restart's start time is.
        var options = new ClusterOptions { NodeName = $"node-{index:D3}", Generation = 1000 + (ulong)restart };
        configure?.Invoke(options);
        var node = new SwimNode(options, Network.CreateTransport(AddressOf(index)), Clock, _seed * 1000 + index + restart * 500, Log);
        node.Start();
        return node;
    }

    public void Run(TimeSpan duration) => Clock.Advance(duration);

    /// <summary>Advances in <paramref name="step"/>s until <paramref name="condition"/> holds; the simulated time it took, or null.</summary>
    public TimeSpan? RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan? step = null)
    {
        TimeSpan stride = step ?? TimeSpan.FromMilliseconds(100);
        for (TimeSpan elapsed = TimeSpan.Zero; elapsed <= limit; elapsed += stride)
        {
            if (condition())
                return elapsed;
            Clock.Advance(stride);
        }
        return null;
    }

    public void Dispose()
    {
        foreach (SwimNode node in Nodes)
            node.Dispose();
    }
}

/// <summary>Keeps every log message, so tests can check what was logged and how often.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(EventId Id, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Add((eventId, formatter(state, exception)));
}

using System.Diagnostics;
using System.Globalization;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Cluster;

/// <summary>One member as a node's stats nodes describes it.</summary>
internal sealed record NodeRow(string Name, string Address, string State, uint Incarnation, int Primary, int Replica);

/// <summary>stats nodes read over the memcached port and grouped per member.</summary>
internal static class NodeView
{
    public static async Task<List<NodeRow>> ReadAsync(int port)
    {
        Stats stats = await Stats.ReadAsync(port, "stats nodes");
        var fields = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach ((string key, string value) in stats.Values)
        {
            int colon = key.LastIndexOf(':');
            string name = key[..colon];
            if (!fields.TryGetValue(name, out var member))
                fields[name] = member = [];
            member[key[(colon + 1)..]] = value;
        }
        return [.. fields.Select(f => new NodeRow(f.Key, f.Value["address"], f.Value["state"],
            uint.Parse(f.Value["incarnation"], CultureInfo.InvariantCulture),
            int.Parse(f.Value["partitions_primary"], CultureInfo.InvariantCulture),
            int.Parse(f.Value["partitions_replica"], CultureInfo.InvariantCulture)))];
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds for the view of <paramref name="port"/>. Membership converges
    /// asynchronously, so this polls; the limit only detects a cluster that never converges, and then fails with the
    /// last view.
    /// </summary>
    public static async Task<List<NodeRow>> WaitForAsync(int port, Func<List<NodeRow>, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<NodeRow> view = await ReadAsync(port);
            if (condition(view))
                return view;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"node on port {port} never saw {what}; last view: {string.Join("; ", view)}");
            await Task.Delay(50);
        }
    }
}

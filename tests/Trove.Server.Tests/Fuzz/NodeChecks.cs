using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>What every robustness test checks afterwards: the node still serves, and its accounting adds up.</summary>
internal static class NodeChecks
{
    /// <summary>A set and a get on a new connection answer exactly as memcached does.</summary>
    public static async Task AnswersSetAndGetAsync(int port, string key)
    {
        Transcript transcript = await RawClient.ExchangeAsync(port, Encoding.ASCII.GetBytes($"set {key} 3 0 5\r\nhello\r\nget {key}\r\n"));
        Assert.Equal($"STORED\r\nVALUE {key} 3 5\r\nhello\r\nEND\r\nMN\r\n", Encoding.Latin1.GetString(transcript.Reply));
    }

    /// <summary>Stores items the robustness test must not disturb; returns their keys and values.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> StoreControlItemsAsync(int port, int count)
    {
        var items = Enumerable.Range(0, count).ToDictionary(i => $"control:{i}", i => new string((char)('a' + (i % 26)), 10 + i));
        var script = new StringBuilder();
        foreach ((string key, string value) in items)
        {
            script.Append($"set {key} {value.Length} 0 {value.Length}\r\n{value}\r\n");
        }

        Transcript transcript = await RawClient.ExchangeAsync(port, Encoding.ASCII.GetBytes(script.ToString()));
        Assert.Equal(string.Concat(Enumerable.Repeat("STORED\r\n", count)) + "MN\r\n", Encoding.Latin1.GetString(transcript.Reply));
        return items;
    }

    /// <summary>Every control item still holds its value and flags.</summary>
    public static async Task ControlItemsIntactAsync(int port, IReadOnlyDictionary<string, string> items)
    {
        var expected = new StringBuilder();
        foreach ((string key, string value) in items)
        {
            expected.Append($"VALUE {key} {value.Length} {value.Length}\r\n{value}\r\n");
        }

        expected.Append("END\r\nMN\r\n");
        Transcript transcript = await RawClient.ExchangeAsync(port, Encoding.ASCII.GetBytes($"get {string.Join(' ', items.Keys)}\r\n"));
        Assert.Equal(expected.ToString(), Encoding.Latin1.GetString(transcript.Reply));
    }

    /// <summary>
    /// The engine's totals agree with its per-class figures: curr_items is the sum of "stats items" numbers,
    /// bytes the sum of mem_requested, and neither exceeds what the limit allows.
    /// </summary>
    public static async Task AccountingIsConsistentAsync(int port)
    {
        // Two reads: the expiry crawler may reclaim an item between them (the fuzz stores items with TTLs). Compare
        // only a per-class reading taken while the totals did not move; a real mismatch shows on every attempt.
        Stats stats, items;
        int attempts = 0;
        while (true)
        {
            stats = await Stats.ReadAsync(port);
            items = await Stats.ReadAsync(port, "stats items");
            Stats after = await Stats.ReadAsync(port);
            if ((after["curr_items"] == stats["curr_items"] && after["bytes"] == stats["bytes"]) || ++attempts == 20)
                break;
        }
        long numbers = items.Values.Where(p => p.Key.EndsWith(":number", StringComparison.Ordinal)).Sum(p => long.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture));
        long requested = items.Values.Where(p => p.Key.EndsWith(":mem_requested", StringComparison.Ordinal)).Sum(p => long.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(stats["curr_items"], numbers);
        Assert.Equal(stats["bytes"], requested);
        Assert.InRange(stats["bytes"], 0, stats["limit_maxbytes"]);
        Assert.InRange(stats["curr_items"], 0, stats["total_items"]);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>"stats" (or a stats subcommand) read over a new connection, as name/value pairs.</summary>
internal sealed class Stats
{
    private readonly Dictionary<string, string> _values;

    private Stats(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public long this[string name] => _values.TryGetValue(name, out string? value)
        ? long.Parse(value, CultureInfo.InvariantCulture)
        : throw new KeyNotFoundException($"no STAT {name} in: {string.Join(", ", _values.Keys)}");

    public static async Task<Stats> ReadAsync(int port, string command = "stats")
    {
        Transcript transcript = await RawClient.ExchangeAsync(port, Encoding.ASCII.GetBytes(command + "\r\n"));
        if (transcript.End != ExchangeEnd.Sentinel)
        {
            throw new InvalidOperationException($"'{command}' did not complete: {transcript}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Encoding.Latin1.GetString(transcript.Reply).Split("\r\n"))
        {
            string[] parts = line.Split(' ', 3);
            if (parts is ["STAT", var name, var value])
            {
                values[name] = value;
            }
        }

        return new Stats(values);
    }

    /// <summary>
    /// Waits until curr_connections (seen from a new connection, which counts itself) equals
    /// <paramref name="expected"/>. Servers notice closed connections asynchronously, so this polls; the limit only
    /// detects connections that are never released, and then fails.
    /// </summary>
    public static async Task WaitForConnectionsAsync(int port, long expected, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan deadline = limit ?? TimeSpan.FromSeconds(30);
        long seen;
        while ((seen = (await ReadAsync(port))["curr_connections"]) != expected)
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"curr_connections stayed at {seen} for {deadline}, expected it to return to {expected}");
            }

            await Task.Delay(50);
        }
    }
}

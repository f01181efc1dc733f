using System.Collections.Concurrent;
using System.Diagnostics;
using Trove.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// Random bytes and mutated requests on many short connections to one node, for TROVE_FUZZ_SECONDS. Afterwards
/// the node must serve, have released every connection, keep untouched items intact, account consistently, and
/// hold no more memory than a stated allowance over the baseline.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class FuzzTests(ITestOutputHelper output)
{
    /// <summary>
    /// Managed heap growth allowed after a full collection: connection buffers come from Kestrel's pool, which
    /// keeps some blocks for reuse, and the runtime keeps caches warm; a leak of one buffer per connection over
    /// thousands of connections goes far past this.
    /// </summary>
    private const long HeapAllowance = 32L << 20;

    private const int WarmUpConnections = 200;

    [Fact]
    public async Task The_node_survives_random_and_mutated_input_and_settles_back()
    {
        await using IServerUnderTest server = await Candidate.StartAsync();
        int port = server.Port;
        IReadOnlyDictionary<string, string> control = await NodeChecks.StoreControlItemsAsync(port, 20);

        await FuzzAsync(port, FuzzSettings.Seed - 1, TimeSpan.MaxValue, WarmUpConnections / FuzzSettings.Workers);
        long baselineConnections = (await Stats.ReadAsync(port))["curr_connections"];
        long baselineMemory = server.SettledMemoryBytes();

        (int connections, IReadOnlyList<string> failures) = await FuzzAsync(port, FuzzSettings.Seed, FuzzSettings.Duration, FuzzSettings.MaxConnections / FuzzSettings.Workers);

        Assert.True(failures.Count == 0, $"{failures.Count} of {connections} fuzz connections misbehaved; first ones:\n{string.Join("\n", failures.Take(5))}");
        await NodeChecks.AnswersSetAndGetAsync(port, "after-fuzz");
        await Stats.WaitForConnectionsAsync(port, baselineConnections);
        Assert.Equal(0, (await Stats.ReadAsync(port))["evictions"]);
        await NodeChecks.ControlItemsIntactAsync(port, control);
        await NodeChecks.AccountingIsConsistentAsync(port);

        // memcached's figure is its resident set, which also holds item memory (up to -m).
        long allowance = HeapAllowance + (server is MemcachedProcess ? (long)ServerSettings.Default.MemoryMegabytes << 20 : 0);
        long settled = server.SettledMemoryBytes();
        output.WriteLine($"{connections} fuzz connections (budget {FuzzSettings.Duration} or {FuzzSettings.MaxConnections}); {server.Name} memory {baselineMemory >> 10} KiB before, {settled >> 10} KiB after");
        Assert.True(settled <= baselineMemory + allowance,
            $"{server.Name} holds {settled >> 20} MiB after {connections} fuzz connections; baseline {baselineMemory >> 20} MiB, allowance {allowance >> 20} MiB");
    }

    /// <summary>Runs workers until the time or per-worker connection budget is spent; collects failures with the seed that reproduces each.</summary>
    private static async Task<(int Connections, IReadOnlyList<string> Failures)> FuzzAsync(
        int port, int seed, TimeSpan duration, int connectionsPerWorker)
    {
        var failures = new ConcurrentQueue<string>();
        int connections = 0;
        var clock = Stopwatch.StartNew();
        Task[] workers = [.. Enumerable.Range(0, FuzzSettings.Workers).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < connectionsPerWorker && clock.Elapsed < duration; i++)
            {
                // One generator per connection, so a failure names exactly the seed that replays it.
                int connectionSeed = StableHash.Of($"{seed}/{worker}/{i}");
                var random = new Random(connectionSeed);
                byte[] input = FuzzInput.Next(random);
                string? failure = await FuzzConnection.RunAsync(port, input, random);
                Interlocked.Increment(ref connections);
                if (failure is not null)
                {
                    failures.Enqueue($"connection seed {connectionSeed} (TROVE_FUZZ_SEED={seed}, worker {worker}, connection {i}): {failure}; input {ByteText.Escape(input.AsSpan(0, Math.Min(input.Length, 300)))}");
                }
            }
        }))];
        await Task.WhenAll(workers);
        return (connections, [.. failures]);
    }
}

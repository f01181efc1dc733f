using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>Budgets of the robustness tests, from the environment.</summary>
internal static class FuzzSettings
{
    /// <summary>TROVE_FUZZ_SECONDS: how long the fuzzer sends inputs (default 10; raise it for a longer hunt).</summary>
    public static TimeSpan Duration { get; } = TimeSpan.FromSeconds(HarnessLimits.ReadSeconds("TROVE_FUZZ_SECONDS", 10));

    /// <summary>
    /// TROVE_FUZZ_MAX_CONNECTIONS: the fuzzer also stops after this many connections (default 20,000). Every
    /// closed client socket holds a loopback port in TIME_WAIT for a minute, and the machine's other work needs ports too.
    /// </summary>
    public static int MaxConnections { get; } = int.TryParse(Environment.GetEnvironmentVariable("TROVE_FUZZ_MAX_CONNECTIONS"), out int max) && max > 0 ? max : 20_000;

    /// <summary>TROVE_FUZZ_SEED: the base seed (default 1); a failure message names the seed that reproduces it.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("TROVE_FUZZ_SEED"), out int seed) ? seed : 1;

    /// <summary>TROVE_CHURN_CONNECTIONS: connections the churn test opens and drops (default 10,000).</summary>
    public static int ChurnConnections { get; } = int.TryParse(Environment.GetEnvironmentVariable("TROVE_CHURN_CONNECTIONS"), out int count) && count > 0 ? count : 10_000;

    /// <summary>Connections in flight at once: enough to overlap, few enough for a 2-core machine.</summary>
    public const int Workers = 4;
}

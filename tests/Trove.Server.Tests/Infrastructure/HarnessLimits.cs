namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// Limits that only detect hangs (a reached limit always fails the test; no limit ever makes one pass).
/// </summary>
internal static class HarnessLimits
{
    /// <summary>
    /// How long a server may stay silent while the client waits for a reply (TROVE_HANG_SECONDS, default 5).
    /// memcached answers in microseconds; five seconds of silence on loopback means the server hangs.
    /// </summary>
    public static TimeSpan ReplySilence { get; } = TimeSpan.FromSeconds(ReadSeconds("TROVE_HANG_SECONDS", 5));

    /// <summary>How long a server may take to start accepting connections.</summary>
    public static TimeSpan Startup { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an external tool (python, memcapable, memcp) may run.</summary>
    public static TimeSpan Tool { get; } = TimeSpan.FromSeconds(120);

    public static double ReadSeconds(string variable, double fallback)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds <= 0)
        {
            throw new InvalidOperationException($"{variable}='{text}' is not a positive number of seconds.");
        }

        return seconds;
    }
}

namespace Trove.Bench;

/// <summary>Everything one run measured, merged over its connections.</summary>
internal sealed class BenchResult
{
    public required BenchOptions Options { get; init; }

    /// <summary>Keys set by the load phase (0 when there was none).</summary>
    public long LoadedKeys { get; init; }

    public double LoadSeconds { get; init; }

    public ConnectionStats LoadStats { get; init; } = new();

    /// <summary>False for --load-only: nothing below was measured.</summary>
    public bool Measured { get; init; }

    public double MeasuredSeconds { get; init; }

    public ConnectionStats Stats { get; init; } = new();

    /// <summary>Per-request latency in nanoseconds.</summary>
    public LatencyHistogram Latency { get; init; } = new();

    /// <summary>CPU time of this whole process while measuring, in seconds.</summary>
    public double ClientCpuSeconds { get; init; }

    /// <summary>Wall-clock seconds over which CPU and allocations were metered.</summary>
    public double ClientMeterSeconds { get; init; }

    /// <summary>Bytes this process allocated while measuring (should stay near 0).</summary>
    public long ClientAllocatedBytes { get; init; }

    public double OpsPerSecond => MeasuredSeconds > 0 ? Stats.Operations / MeasuredSeconds : 0;

    /// <summary>Hits over gets answered with a hit or a miss; null without gets.</summary>
    public double? HitRatio => Stats.Hits + Stats.Misses > 0 ? (double)Stats.Hits / (Stats.Hits + Stats.Misses) : null;

    /// <summary>Share of one core the client used while measuring, in percent.</summary>
    public double ClientCpuPercent => ClientMeterSeconds > 0 ? 100 * ClientCpuSeconds / ClientMeterSeconds : 0;

    public static double Microseconds(long nanoseconds) => nanoseconds / 1000.0;
}

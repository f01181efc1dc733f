namespace Trove.Bench;

/// <summary>
/// The phase every connection loop polls between batches: warming up (replies not counted),
/// measuring (counted), or stopped (loops return after the batch in flight).
/// </summary>
internal sealed class RunControl
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    private int _phase = WarmingUp;
    private long _measuringStartedAt;

    public bool IsMeasuring => Volatile.Read(ref _phase) == Measuring;

    public bool IsStopped => Volatile.Read(ref _phase) == Stopped;

    /// <summary>Moves from warming up to measuring; a run already stopped stays stopped.</summary>
    public void StartMeasuring() => Interlocked.CompareExchange(ref _phase, Measuring, WarmingUp);

    public void Stop() => Volatile.Write(ref _phase, Stopped);

    /// <summary>Stopwatch timestamp of the first <see cref="NoteMeasuringStarted"/>; 0 before.</summary>
    public long MeasuringStartedAt => Interlocked.Read(ref _measuringStartedAt);

    /// <summary>For runs counted in requests: a connection began its measured batches (the first one sets the time).</summary>
    public void NoteMeasuringStarted() =>
        Interlocked.CompareExchange(ref _measuringStartedAt, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
}

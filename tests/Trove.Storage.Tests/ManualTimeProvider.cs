namespace Trove.Storage.Tests;

/// <summary>A clock that moves only when a test says so; wall time and timestamps move together.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>2026-01-01T00:00:00Z, a whole second.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private long _ticks;

    public ManualTimeProvider()
        : this(DefaultStart)
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => _ticks = start.UtcTicks;

    public long UnixSeconds => GetUtcNow().ToUnixTimeSeconds();

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void AdvanceSeconds(int seconds) => Advance(TimeSpan.FromSeconds(seconds));
}

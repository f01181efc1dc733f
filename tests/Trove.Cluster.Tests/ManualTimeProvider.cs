namespace Trove.Cluster.Tests;

/// <summary>
/// A clock that moves only when a test says so, with timers: <see cref="Advance"/> fires every timer that falls due,
/// in order of due time and then of scheduling, each with the clock set to its due time. A timer is never fired from
/// inside CreateTimer or Change, so callbacks do not re-enter their caller. Single-threaded.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly PriorityQueue<(ManualTimer Timer, long Generation), (long Due, long Order)> _queue = new();
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private long _order;

    public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

    public override long GetTimestamp() => _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers fired so far (a measure of simulated work).</summary>
    public long Fired { get; private set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        long target = _ticks + by.Ticks;
        while (_queue.TryPeek(out (ManualTimer Timer, long Generation) item, out (long Due, long Order) key) && key.Due <= target)
        {
            _queue.Dequeue();
            if (item.Generation != item.Timer.Generation)
                continue; // re-armed or disposed since it was queued
            _ticks = Math.Max(_ticks, key.Due);
            item.Timer.Fire();
            Fired++;
        }
        _ticks = target;
    }

    private void Schedule(ManualTimer timer, TimeSpan after)
        => _queue.Enqueue((timer, timer.Generation), (_ticks + Math.Max(0, after.Ticks), _order++));

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public long Generation { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Generation++;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
                clock.Schedule(this, dueTime);
            return true;
        }

        public void Fire()
        {
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                Generation++;
                clock.Schedule(this, _period);
            }
            else
            {
                Generation++; // one-shot: fired once, not again
            }
            callback(state);
        }

        public void Dispose() => Generation++;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

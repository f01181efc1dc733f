namespace Trove.Cluster.Membership;

/// <summary>
/// The suspicion timer of one suspect member (Lifeguard, as memberlist's suspicion.go). It starts at
/// <c>max</c> and shrinks with each independent confirmation towards <c>min</c>:
/// <c>timeout = max - (max - min) * log(c + 1) / log(k + 1)</c>, never below <c>min</c>, where c is the number of
/// confirmations from members other than the first accuser and k the number expected. With k = 0 the timeout is min.
/// Not thread-safe: the node calls it under its lock; the timer callback takes that lock itself.
/// </summary>
internal sealed class Suspicion : IDisposable
{
    private readonly HashSet<string> _confirmers;
    private readonly int _expected;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly long _start;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public Suspicion(string accuser, int expectedConfirmations, TimeSpan min, TimeSpan max, TimeProvider time, Action onTimeout)
    {
        _confirmers = [accuser];
        _expected = expectedConfirmations;
        _min = min;
        _max = max;
        _time = time;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(_ => onTimeout(), null, Timeout(0), System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>Independent confirmations so far (the first accuser excluded).</summary>
    public int Confirmations => _confirmers.Count - 1;

    /// <summary>The current total timeout, measured from when the suspicion started.</summary>
    public TimeSpan CurrentTimeout => Timeout(Confirmations);

    /// <summary>Counts <paramref name="from"/> once; true when it was new (the caller then re-gossips the suspicion).</summary>
    public bool Confirm(string from)
    {
        if (Confirmations >= _expected || !_confirmers.Add(from))
            return false;
        TimeSpan remaining = Timeout(Confirmations) - _time.GetElapsedTime(_start);
        _timer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan);
        return true;
    }

    private TimeSpan Timeout(int confirmations)
    {
        if (_expected < 1)
            return _min;
        double fraction = Math.Log(confirmations + 1) / Math.Log(_expected + 1);
        TimeSpan timeout = _max - (_max - _min) * fraction;
        return timeout < _min ? _min : timeout;
    }

    /// <summary>Lower bound for a cluster of <paramref name="members"/>: mult * max(1, log10(n)) * probe interval.</summary>
    public static TimeSpan MinTimeout(int suspicionMult, int members, TimeSpan probeInterval)
        => probeInterval * (suspicionMult * Math.Max(1.0, Math.Log10(Math.Max(1, members))));

    public void Dispose() => _timer.Dispose();
}

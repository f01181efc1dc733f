using System.Numerics;

namespace Trove.Bench;

/// <summary>
/// A log-linear latency histogram in the style of HdrHistogram: values below 256 ns are
/// counted exactly, larger values fall into 128 linear sub-buckets per power of two, so any
/// reported value is at most 1/128 (0.8%) above the true one. Recording is a few integer
/// operations and never allocates, so each connection keeps its own and they are merged
/// once at the end of a run.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;       // 128 per power of two
    private const int LinearLimit = SubBucketCount * 2;          // values below are exact
    private const int MaxExponent = 42;                          // 2^43 ns is about 2.4 hours

    /// <summary>The largest value that is bucketed; larger ones land in the last bucket (Max stays exact).</summary>
    public const long HighestTrackable = (1L << (MaxExponent + 1)) - 1;

    /// <summary>Number of buckets needed to cover 0..HighestTrackable.</summary>
    public const int BucketCount = LinearLimit + (MaxExponent - SubBucketBits) * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    /// <summary>Largest recorded value, exact (not bucketed).</summary>
    public long Max { get; private set; }

    /// <summary>Records one value (nanoseconds); negative values count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }
        if (value > Max)
        {
            Max = value;
        }
        _counts[BucketIndex(Math.Min(value, HighestTrackable))]++;
        Count++;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0..100): the highest value equivalent to the
    /// bucket holding the ranked sample, never above the exact maximum. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalentValue(i), Max);
            }
        }
        return Max;
    }

    internal static int BucketIndex(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - SubBucketBits;                  // >= 1 here
        var sub = (int)(value >> shift);                  // in [128, 256)
        return LinearLimit + (shift - 1) * SubBucketCount + (sub - SubBucketCount);
    }

    internal static long LowestEquivalentValue(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }
        var shift = (index - LinearLimit) / SubBucketCount + 1;
        var sub = (index - LinearLimit) % SubBucketCount + SubBucketCount;
        return (long)sub << shift;
    }

    internal static long HighestEquivalentValue(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }
        var shift = (index - LinearLimit) / SubBucketCount + 1;
        return LowestEquivalentValue(index) + (1L << shift) - 1;
    }
}

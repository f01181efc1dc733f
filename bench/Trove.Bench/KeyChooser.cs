namespace Trove.Bench;

/// <summary>
/// Picks key indexes in [0, keys): uniformly, or Zipf-distributed where key i has weight
/// 1/(i+1)^s (key 0 is the hottest). Immutable once built, so every connection shares one.
/// </summary>
internal sealed class KeyChooser
{
    private readonly int _keys;
    private readonly double[]? _cdf;

    private KeyChooser(int keys, double[]? cdf)
    {
        _keys = keys;
        _cdf = cdf;
    }

    public static KeyChooser Uniform(int keys) => new(keys, null);

    /// <summary>Zipf over <paramref name="keys"/> keys with exponent <paramref name="s"/> (> 0); builds the whole CDF once.</summary>
    public static KeyChooser Zipf(int keys, double s)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(s, 0);
        var cdf = new double[keys];
        double sum = 0;
        for (var i = 0; i < keys; i++)
        {
            sum += 1.0 / Math.Pow(i + 1, s);
            cdf[i] = sum;
        }
        for (var i = 0; i < keys; i++)
        {
            cdf[i] /= sum;
        }
        cdf[keys - 1] = 1.0; // rounding must not leave a gap at the top
        return new KeyChooser(keys, cdf);
    }

    public int Next(ref FastRandom random) =>
        _cdf is null ? random.NextBelow(_keys) : FirstAbove(_cdf, random.NextDouble());

    /// <summary>Index of the first CDF entry strictly above <paramref name="u"/> (binary search).</summary>
    private static int FirstAbove(double[] cdf, double u)
    {
        int lo = 0, hi = cdf.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cdf[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }
}

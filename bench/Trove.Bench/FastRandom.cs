namespace Trove.Bench;

/// <summary>
/// SplitMix64: tiny, fast and good enough to pick keys and operations. A mutable struct so each
/// connection owns its generator inline (no sharing, no locking, no allocation).
/// </summary>
internal struct FastRandom
{
    private ulong _state;

    public FastRandom(ulong seed) => _state = seed;

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/>, so connections differ but runs repeat.</summary>
    public static FastRandom ForStream(long seed, int stream)
    {
        var mixer = new FastRandom((ulong)seed ^ (0x9E3779B97F4A7C15UL * (ulong)(stream + 1)));
        return new FastRandom(mixer.NextUInt64());
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) by Lemire's multiply-high (bias below 2^-32 for our bounds).</summary>
    public int NextBelow(int bound) => (int)Math.BigMul(NextUInt64(), (ulong)bound, out _);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

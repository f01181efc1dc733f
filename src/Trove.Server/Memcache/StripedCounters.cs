using System.Runtime.CompilerServices;

namespace Trove.Server.Memcache;

/// <summary>
/// Counters striped by processor so that hot-path increments from different cores do not share a cache line.
/// Reads sum the stripes; a read racing an increment may miss it, as memcached's per-thread stats do.
/// </summary>
public sealed class StripedCounters<TCounter> where TCounter : unmanaged, Enum
{
    // One row per stripe, padded to a whole number of 64-byte lines so rows never share a line.
    private readonly long[] _cells;
    private readonly int _rowLength;
    private readonly int _stripeMask;

    public StripedCounters()
    {
        int counters = Enum.GetValues<TCounter>().Length;
        _rowLength = (counters + 7) & ~7;
        int stripes = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Environment.ProcessorCount));
        _stripeMask = stripes - 1;
        _cells = new long[stripes * _rowLength];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(TCounter counter, long amount = 1)
    {
        int row = Thread.GetCurrentProcessorId() & _stripeMask;
        Interlocked.Add(ref _cells[row * _rowLength + Unsafe.As<TCounter, int>(ref counter)], amount);
    }

    public long Read(TCounter counter)
    {
        int column = Unsafe.As<TCounter, int>(ref counter);
        long sum = 0;
        for (int row = 0; row <= _stripeMask; row++)
        {
            sum += Volatile.Read(ref _cells[row * _rowLength + column]);
        }
        return sum;
    }

    /// <summary>Sets every counter to zero (stats reset).</summary>
    public void Reset()
    {
        for (int i = 0; i < _cells.Length; i++)
        {
            Volatile.Write(ref _cells[i], 0);
        }
    }
}

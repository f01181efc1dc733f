namespace Trove.Server.Tests.Infrastructure;

/// <summary>How a client hands a byte script to the socket: all at once, one byte per write, or split in pieces.</summary>
internal abstract record Delivery
{
    public static Delivery Whole { get; } = new WholeDelivery();

    public static Delivery Bytewise { get; } = new BytewiseDelivery();

    public static Delivery RandomSplits(int seed) => new RandomSplitDelivery(seed);

    public static Delivery SplitAt(params int[] offsets) => new SplitAtDelivery(offsets);

    /// <summary>The writes, in order; together they are exactly <paramref name="script"/>.</summary>
    public abstract IEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> script);

    private sealed record WholeDelivery : Delivery
    {
        public override IEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> script)
        {
            yield return script;
        }

        public override string ToString() => "whole";
    }

    private sealed record BytewiseDelivery : Delivery
    {
        public override IEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> script)
        {
            for (int i = 0; i < script.Length; i++)
            {
                yield return script.Slice(i, 1);
            }
        }

        public override string ToString() => "bytewise";
    }

    /// <summary>Up to 40 pieces cut at points drawn from a seeded generator: the same seed gives the same cuts.</summary>
    private sealed record RandomSplitDelivery(int Seed) : Delivery
    {
        public override IEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> script)
        {
            var random = new Random(Seed);
            int pieces = Math.Min(script.Length, random.Next(2, 41));
            var cuts = new SortedSet<int>();
            while (cuts.Count < pieces - 1)
            {
                cuts.Add(random.Next(1, script.Length));
            }

            return Cut(script, cuts);
        }

        public override string ToString() => $"split-seed-{Seed}";
    }

    private sealed record SplitAtDelivery(int[] Offsets) : Delivery
    {
        public override IEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> script) =>
            Cut(script, Offsets.Where(o => o > 0 && o < script.Length).Distinct().Order());

        public override string ToString() => $"split-at-{string.Join('-', Offsets)}";
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Cut(ReadOnlyMemory<byte> script, IEnumerable<int> sortedCuts)
    {
        int start = 0;
        foreach (int cut in sortedCuts)
        {
            yield return script[start..cut];
            start = cut;
        }

        yield return script[start..];
    }
}

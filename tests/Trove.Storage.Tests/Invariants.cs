using System.Text;

namespace Trove.Storage.Tests;

/// <summary>Consistency checks on a quiescent engine: counters agree with what enumeration finds.</summary>
internal static class Invariants
{
    public static void Check(CacheEngine engine)
    {
        long counted = 0;
        long enumerated = 0;
        long bytes = 0;
        for (int p = 0; p < engine.PartitionCount; p++)
        {
            counted += engine.CountPartition(p);
            var tally = new Tally();
            engine.ForEachInPartition(p, ref tally);
            enumerated += tally.Items;
            bytes += tally.Bytes;
        }

        EngineStats stats = engine.GetStats();
        Assert.Equal(stats.CurrItems, counted);
        Assert.Equal(stats.CurrItems, enumerated);
        Assert.Equal(stats.Bytes, bytes);
        Assert.Equal(stats.CurrItems, stats.Classes.Sum(c => c.Number));
        foreach (SlabClassStats cls in stats.Classes)
        {
            Assert.Equal(cls.Number, cls.UsedChunks);
            Assert.True(cls.UsedChunks <= cls.TotalChunks);
        }
    }

    private struct Tally : IItemReader
    {
        public long Items;
        public long Bytes;

        public void Read(in ItemView item)
        {
            Items++;
            Bytes += ItemHeader.TotalSize(item.Key.Length, item.Value.Length);
        }
    }
}

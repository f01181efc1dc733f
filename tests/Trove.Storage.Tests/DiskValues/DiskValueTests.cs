using System.Text;
using static Trove.Storage.Tests.EngineTestHelpers;

namespace Trove.Storage.Tests.DiskValues;

/// <summary>Store mode's values on disk: an engine with a small memory limit holds many times as much data.</summary>
public sealed class DiskValueTests
{
    private const long Limit = 4L << 20;
    private readonly ManualTimeProvider _clock = new();

    private (CacheEngine Engine, MemoryValueLog Log) Create(long limit = Limit)
    {
        var engine = new CacheEngine(new EngineOptions
        {
            MemoryLimitBytes = limit, PartitionCount = 16, EvictionDisabled = true, ValuesOnDisk = true,
        }, _clock);
        var log = new MemoryValueLog();
        engine.ChangeObserver = log;
        engine.ValueLog = log;
        return (engine, log);
    }

    private static string ValueOf(int i, int length) => $"v{i}:" + new string((char)('a' + i % 26), length);

    /// <summary>Stores <paramref name="count"/> values of about <paramref name="length"/> bytes; each must be stored.</summary>
    private static void Fill(CacheEngine engine, int count, int length)
    {
        for (int i = 0; i < count; i++)
        {
            StoreResult result = engine.Set($"key:{i}", ValueOf(i, length));
            Assert.True(result.Status == StoreStatus.Stored, $"key:{i} {result.Status}");
        }
    }

    private static void AssertAll(CacheEngine engine, int count, int length)
    {
        for (int i = 0; i < count; i++)
        {
            Capture got = engine.Get($"key:{i}", default, out GetStatus status);
            Assert.True(status == GetStatus.Hit, $"key:{i} {status}");
            Assert.Equal(ValueOf(i, length), got.Text);
        }
    }

    [Fact]
    public void FiveTimesTheMemoryLimitIsStoredAndReadsBack()
    {
        (CacheEngine engine, MemoryValueLog log) = Create();
        using (engine)
        {
            Fill(engine, 2500, 8000); // about 20 MB in a 4 MB engine: almost five times
            DiskValueStats disk = engine.GetDiskValueStats();
            Assert.True(disk.ItemsOnDisk > 1500, $"{disk.ItemsOnDisk} on disk");
            Assert.True(disk.Demotions >= disk.ItemsOnDisk);
            // Stubs may take two pages above the limit while demoting (given back by the rebalance).
            Assert.True(engine.GetStats().TotalMalloced <= Limit + (2 << 20), $"{engine.GetStats().TotalMalloced} bytes malloced");

            AssertAll(engine, 2500, 8000);
            DiskValueStats after = engine.GetDiskValueStats();
            Assert.True(after.Reads > 1500, $"{after.Reads} reads, {after.ItemsOnDisk} on disk, {after.Promotions} promoted, {disk.ItemsOnDisk} on disk before");
            Assert.Equal(0, engine.GetDiskValueStats().ReadErrors);
            Assert.True(engine.GetStats().LimitMaxBytes == Limit);
            Assert.True(log.Length > 4 * Limit, $"{log.Length} bytes logged");
        }
    }

    [Fact]
    public void ARecordNotYetWrittenKeepsItsValueInMemory()
    {
        (CacheEngine engine, MemoryValueLog log) = Create();
        using (engine)
        {
            log.Written = 0; // nothing reached the file
            int stored = 0;
            for (int i = 0; i < 2500 && engine.Set($"key:{i}", ValueOf(i, 8000)).Status == StoreStatus.Stored; i++)
            {
                stored++;
            }

            Assert.True(stored < 2500, "a full engine with nothing written must refuse");
            Assert.Equal(0, engine.GetDiskValueStats().ItemsOnDisk);
            log.Written = null;
            Fill(engine, 2500, 8000);
            AssertAll(engine, 2500, 8000);
        }
    }

    [Fact]
    public void AppendIncrTouchAndInvalidateWorkOnValuesOnDisk()
    {
        (CacheEngine engine, MemoryValueLog _) = Create();
        using (engine)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set("counter", "41").Status);
            Assert.Equal(StoreStatus.Stored, engine.Set("text", "hello").Status);
            Assert.Equal(StoreStatus.Stored, engine.Set("touched", "kept", flags: 7).Status);
            Assert.Equal(StoreStatus.Stored, engine.Set("stale", "old").Status);
            Fill(engine, 2500, 8000); // pushes the first items out of memory (the demoter is fair but relentless)
            DemoteEverything(engine);

            ArithmeticResult incr = engine.Arithmetic(Bytes("counter"), new ArithmeticRequest { Increment = true, Delta = 1 });
            Assert.Equal(ArithmeticStatus.Ok, incr.Status);
            Assert.Equal(42UL, incr.Value);
            Assert.Equal(StoreStatus.Stored, engine.Store(StoreMode.Append, "text", " world").Status);
            Assert.Equal(TouchStatus.Touched, engine.Touch(Bytes("touched"), engine.ToExpiry(1000)));
            Assert.Equal(DeleteStatus.Deleted, engine.Delete(Bytes("stale"), new DeleteRequest { Invalidate = true }));

            DemoteEverything(engine);
            Assert.Equal("42", engine.Get("counter").Text);
            Assert.Equal("hello world", engine.Get("text").Text);
            Capture touched = engine.Get("touched");
            Assert.Equal("kept", touched.Text);
            Assert.Equal(7u, touched.Flags);
            Assert.Equal(1000, touched.Ttl);
            Capture stale = engine.Get("stale");
            Assert.Equal("old", stale.Text);
            Assert.True(stale.Stale);
        }
    }

    [Fact]
    public void AReadFaultIsReportedAndNoValueIsShown()
    {
        (CacheEngine engine, MemoryValueLog log) = Create();
        using (engine)
        {
            Fill(engine, 2500, 8000);
            DemoteEverything(engine);
            log.FailReads = true;
            int unavailable = 0;
            for (int i = 0; i < 2500; i++)
            {
                Capture got = engine.Get($"key:{i}", default, out GetStatus status);
                if (status == GetStatus.ValueUnavailable)
                {
                    unavailable++;
                    Assert.Equal(0, got.Reads);
                }
                else
                {
                    Assert.Equal(ValueOf(i, 8000), got.Text);
                }
            }

            Assert.True(unavailable > 1500, $"{unavailable}");
            Assert.Equal(unavailable, engine.GetDiskValueStats().ReadErrors);
            log.FailReads = false;
            AssertAll(engine, 2500, 8000);
        }
    }

    [Fact]
    public void ARecordThatIsNotTheItemsIsAReadErrorNotAValue()
    {
        (CacheEngine engine, MemoryValueLog log) = Create();
        using (engine)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set("victim", new string('x', 8000)).Status);
            uint recordAt = (uint)RecordFormatOffsetOfFirstRecord();
            Fill(engine, 2500, 8000);
            DemoteEverything(engine);
            log.Flip(recordAt + 40); // a byte inside the key: the CRC no longer matches
            engine.Get("victim", default, out GetStatus status);
            Assert.Equal(GetStatus.ValueUnavailable, status);
            Assert.True(engine.GetDiskValueStats().ReadErrors >= 1);
        }
    }

    [Fact]
    public void AnEnumerationCarriesTheValuesOnDisk()
    {
        (CacheEngine engine, MemoryValueLog _) = Create();
        using (engine)
        {
            Fill(engine, 2500, 8000);
            DemoteEverything(engine);
            Assert.True(engine.GetDiskValueStats().ItemsOnDisk > 1500);
            var seen = new Dictionary<string, string>();
            for (int p = 0; p < engine.PartitionCount; p++)
            {
                var copier = new Copier(seen);
                engine.ForEachInPartition(p, ref copier);
            }

            Assert.Equal(2500, seen.Count);
            for (int i = 0; i < 2500; i++)
            {
                Assert.Equal(ValueOf(i, 8000), seen[$"key:{i}"]);
            }
        }
    }

    [Fact]
    public void RelocatedItemsReadFromTheirNewPlace()
    {
        (CacheEngine engine, MemoryValueLog log) = Create();
        using (engine)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set("moved", "the value").Status);
            ValueLocation original = new(1, (uint)RecordFormatOffsetOfFirstRecord(), 0);
            // Copy the record to the end of the file, as compaction would into a new segment.
            Fill(engine, 2500, 8000);
            DemoteEverything(engine);
            byte[] record = new byte[8 + 1 + 22 + 5 + 9];
            Assert.True(log.Read(original, record));
            uint crc = BitConverter.ToUInt32(record, 4);
            original = original with { Crc = crc };
            Assert.False(engine.Relocate(Bytes("moved"), original with { Offset = 999 }, original with { Offset = 1 }));
            engine.ChangeObserver!.OnItemChanged(0, new ItemView { Key = Bytes("moved"), Value = Bytes("the value"), Cas = CasOf(engine, "moved") });
            ValueLocation to = log.TakeAppended();
            Assert.True(engine.Relocate(Bytes("moved"), original, to));
            log.Flip(original.Offset + 40); // the old copy is gone
            Assert.Equal("the value", engine.Get("moved").Text);
            Assert.Equal(1, engine.GetDiskValueStats().Relocations);
        }
    }

    /// <summary>
    /// The bound docs/STORE.md gives: when keys and metadata fill memory, each item costs its stub's 96-byte chunk
    /// (8-byte keys) of the memory limit, so a 4 MB engine holds about 4 MB / 96 items (plus the stubs' reserve of two
    /// pages), then refuses.
    /// </summary>
    [Fact]
    public void KeysAndMetadataBoundTheItemsAnEngineHolds()
    {
        (CacheEngine engine, MemoryValueLog _) = Create();
        using (engine)
        {
            string value = new('v', 1000);
            int stored = 0;
            while (stored < 200_000 && engine.Set($"k{stored:D7}", value).Status == StoreStatus.Stored)
            {
                stored++;
            }

            Assert.True(stored < 200_000, "keys and metadata must fill memory at last");
            // 96-byte stubs within the limit plus the two-page reserve, and a page of values still in memory.
            Assert.InRange(stored, (int)(Limit / 96), (int)((Limit + (2 << 20)) / 96) + 1000);
            Assert.True(engine.GetStats().TotalMalloced <= Limit + (2 << 20));
            Assert.Equal(StoreStatus.OutOfMemory, engine.Set("one-more", value).Status);
            Assert.Equal(value, engine.Get("k0000000").Text);
            Assert.Equal(value, engine.Get($"k{stored - 1:D7}").Text);
        }
    }

    /// <summary>A value on disk read a second time comes back into memory when there is room; later reads need no disk.</summary>
    [Fact]
    public void AValueReadTwiceComesBackIntoMemory()
    {
        (CacheEngine engine, MemoryValueLog _) = Create();
        using (engine)
        {
            Assert.Equal(StoreStatus.Stored, engine.Set("hot", new string('h', 5000)).Status);
            Fill(engine, 2500, 8000);
            DemoteEverything(engine);
            engine.SetMemoryLimit(64L << 20);
            long reads = engine.GetDiskValueStats().Reads;

            Assert.Equal(new string('h', 5000), engine.Get("hot").Text);
            Assert.Equal(reads + 1, engine.GetDiskValueStats().Reads);
            Assert.Equal(0, engine.GetDiskValueStats().Promotions);
            Assert.Equal(new string('h', 5000), engine.Get("hot").Text);
            Assert.Equal(reads + 2, engine.GetDiskValueStats().Reads);
            Assert.Equal(1, engine.GetDiskValueStats().Promotions);
            Assert.Equal(new string('h', 5000), engine.Get("hot").Text);
            Assert.Equal(reads + 2, engine.GetDiskValueStats().Reads);
        }
    }

    private static ulong CasOf(CacheEngine engine, string key) => engine.Get(key, new GetRequest { NoBump = true, NoValue = true }).Cas;

    private static int RecordFormatOffsetOfFirstRecord() => Trove.Storage.Persistence.RecordFormat.SegmentHeaderRecordLength;

    /// <summary>Runs the background demoter until it finds nothing more (the CLOCK needs a few passes).</summary>
    private static void DemoteEverything(CacheEngine engine)
    {
        engine.SetMemoryLimit(1); // below anything: the demoter always runs
        for (int round = 0; round < 64; round++)
        {
            if (engine.DemoteCold(100_000) == 0 && round > 4)
            {
                break;
            }
        }

        engine.SetMemoryLimit(Limit);
    }

    private readonly struct Copier(Dictionary<string, string> seen) : IItemReader
    {
        public void Read(in ItemView item) => seen[Encoding.ASCII.GetString(item.Key)] = Encoding.ASCII.GetString(item.Value);
    }
}

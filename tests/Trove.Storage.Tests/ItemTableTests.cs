using System.Runtime.InteropServices;
using System.Text;

namespace Trove.Storage.Tests;

/// <summary>The partition hash index on its own: growth, tombstones, slot stability.</summary>
public sealed unsafe class ItemTableTests : IDisposable
{
    private readonly List<nint> _items = [];
    private readonly Dictionary<string, nint> _byKey = [];
    private ItemTable _table;

    public ItemTableTests() => _table.Initialize(ItemTable.InitialCapacity);

    public void Dispose()
    {
        _table.Dispose();
        foreach (nint item in _items)
        {
            NativeMemory.Free((void*)item);
        }
    }

    [Fact]
    public void TheGrowthSequenceStartsAtSixteenAndGrowsByHalf()
    {
        int[] expected = [16, 24, 36, 54, 81, 121, 181, 271, 406, 609, 913, 1369, 2053];
        var actual = new List<int> { ItemTable.InitialCapacity };
        while (actual.Count < expected.Length)
        {
            actual.Add(ItemTable.NextCapacity(actual[^1]));
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void EveryKeyIsFoundAndTheLoadStaysAtMostFourFifthsAtEverySizeUpToTenThousand()
    {
        int previousCapacity = _table.Capacity;
        for (int i = 0; i < 10_000; i++)
        {
            _table.Insert(NewItem($"key:{i}", out ulong hash), hash);

            Assert.True((_table.Count + _table.Tombstones) * 5L <= _table.Capacity * 4L, $"load too high at {i + 1} entries");
            if (_table.Capacity != previousCapacity)
            {
                // A rebuild triggered by growth moves exactly one step along the sequence, to at most 3/5 full.
                Assert.Equal(ItemTable.NextCapacity(previousCapacity), _table.Capacity);
                Assert.True(_table.Count * 5L <= _table.Capacity * 3L);
                previousCapacity = _table.Capacity;
            }

            if (int.IsPow2(i + 1) || i % 997 == 0)
            {
                AssertAllPresent(i + 1);
            }
        }

        Assert.Equal(10_000, _table.Count);
        Assert.Equal(15_585, _table.Capacity);
        AssertAllPresent(10_000);
        Assert.Equal(0, CountFound(10_000, 20_000));
    }

    [Fact]
    public void RemovingTheLastEntryOfAChainLeavesNoTombstone()
    {
        ItemHeader* item = NewItem("alone", out ulong hash);
        _table.Insert(item, hash);

        _table.RemoveAt(FindSlot("alone"));

        Assert.Equal(0, _table.Count);
        Assert.Equal(0, _table.Tombstones);
        Assert.Equal(-1, FindSlot("alone"));
    }

    [Fact]
    public void DeletesKeepEveryOtherEntryInItsSlotAndFindable()
    {
        for (int i = 0; i < 700; i++)
        {
            _table.Insert(NewItem($"key:{i}", out ulong hash), hash);
        }

        int version = _table.Version;
        var slots = new int[700];
        for (int i = 0; i < 700; i++)
        {
            slots[i] = FindSlot($"key:{i}");
        }

        for (int i = 0; i < 700; i += 3)
        {
            _table.RemoveAt(FindSlot($"key:{i}"));
        }

        Assert.Equal(version, _table.Version);
        Assert.True(_table.Tombstones > 0);
        for (int i = 0; i < 700; i++)
        {
            Assert.Equal(i % 3 == 0 ? -1 : slots[i], FindSlot($"key:{i}"));
        }
    }

    [Fact]
    public void ChurnAtASteadySizeMatchesAModelAndNeverGrowsTheTable()
    {
        var random = new Random(12345);
        var present = new HashSet<int>();
        for (int i = 0; i < 500; i++)
        {
            _table.Insert(NewItem($"key:{i}", out ulong hash), hash);
            present.Add(i);
        }

        int capacity = _table.Capacity;
        for (int round = 0; round < 50_000; round++)
        {
            // Remove a random present key, add a random absent one: the size stays 500.
            int victim = present.ElementAt(random.Next(present.Count));
            _table.RemoveAt(FindSlot($"key:{victim}"));
            present.Remove(victim);
            int added;
            do
            {
                added = random.Next(5_000);
            }
            while (present.Contains(added));

            ItemHeader* item = FindOrNew($"key:{added}", out ulong hash);
            _table.Insert(item, hash);
            present.Add(added);
            Assert.True((_table.Count + _table.Tombstones) * 5L <= _table.Capacity * 4L);
        }

        Assert.Equal(capacity, _table.Capacity);
        Assert.Equal(500, _table.Count);
        for (int k = 0; k < 5_000; k++)
        {
            Assert.Equal(present.Contains(k), FindSlot($"key:{k}") >= 0);
        }
    }

    [Fact]
    public void DeletingEveryEntryInAnyOrderLeavesNoTombstones()
    {
        var random = new Random(777);
        for (int i = 0; i < 1_000; i++)
        {
            _table.Insert(NewItem($"key:{i}", out ulong hash), hash);
        }

        foreach (int i in Enumerable.Range(0, 1_000).OrderBy(_ => random.Next()).ToArray())
        {
            _table.RemoveAt(FindSlot($"key:{i}"));
        }

        Assert.Equal(0, _table.Count);
        Assert.Equal(0, _table.Tombstones);
        Assert.Equal(0, CountFound(0, 1_000));
    }

    [Fact]
    public void FindSlotOfMatchesTheAddressNotJustTheKey()
    {
        ItemHeader* linked = NewItem("same", out ulong hash);
        ItemHeader* other = NewItem("same", out _);
        _table.Insert(linked, hash);

        Assert.Equal(FindSlot("same"), _table.FindSlotOf(linked, hash));
        Assert.Equal(-1, _table.FindSlotOf(other, hash));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(977)]
    [InlineData(5000)]
    public void ReserveReachesTheCapacityInsertionsWouldReachAndTheyThenRebuildNothing(int entries)
    {
        var grown = new ItemTable();
        grown.Initialize(ItemTable.InitialCapacity);
        try
        {
            for (int i = 0; i < entries; i++)
            {
                grown.Insert(NewItem($"grown:{i}", out ulong hash), hash);
            }

            _table.Reserve(entries);
            int version = _table.Version;
            for (int i = 0; i < entries; i++)
            {
                _table.Insert(NewItem($"key:{i}", out ulong hash), hash);
            }

            Assert.Equal(grown.Capacity, _table.Capacity);
            Assert.Equal(version, _table.Version);
            AssertAllPresent(entries);
        }
        finally
        {
            grown.Dispose();
        }
    }

    [Fact]
    public void ReserveKeepsEveryEntryAndNeverShrinks()
    {
        for (int i = 0; i < 500; i++)
        {
            _table.Insert(NewItem($"key:{i}", out ulong hash), hash);
        }

        int capacity = _table.Capacity;
        _table.Reserve(10);
        Assert.Equal(capacity, _table.Capacity);

        _table.Reserve(100_000);
        Assert.True(_table.Capacity * 4L >= 100_000 * 5L, $"capacity {_table.Capacity} cannot take 100000 at 4/5");
        Assert.True(_table.Capacity * 4L < 100_000 * 5L * 3 / 2, "one step smaller would have done");
        Assert.Equal(500, _table.Count);
        AssertAllPresent(500);
    }

    private void AssertAllPresent(int count) => Assert.Equal(count, CountFound(0, count));

    private int CountFound(int from, int to)
    {
        int found = 0;
        for (int i = from; i < to; i++)
        {
            if (FindSlot($"key:{i}") >= 0)
            {
                found++;
            }
        }

        return found;
    }

    private int FindSlot(string key)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(key);
        ItemHeader* item = _table.Find(bytes, XxHash64.Hash(bytes), out int slot);
        Assert.Equal(item == null, slot < 0);
        return slot;
    }

    private ItemHeader* FindOrNew(string key, out ulong hash)
    {
        if (_byKey.TryGetValue(key, out nint existing))
        {
            hash = XxHash64.Hash(Encoding.ASCII.GetBytes(key));
            return (ItemHeader*)existing;
        }

        return NewItem(key, out hash);
    }

    /// <summary>A bare item in native memory (header and key, no value), freed with the test.</summary>
    private ItemHeader* NewItem(string key, out ulong hash)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(key);
        var item = (ItemHeader*)NativeMemory.AllocZeroed((nuint)(ItemHeader.Size + bytes.Length));
        item->KeyLength = (byte)bytes.Length;
        bytes.CopyTo(new Span<byte>(ItemHeader.KeyPointer(item), bytes.Length));
        _items.Add((nint)item);
        _byKey.TryAdd(key, (nint)item);
        hash = XxHash64.Hash(bytes);
        return item;
    }
}

using System.Text;

namespace Trove.Storage.Tests;

internal enum ChangeKind
{
    Changed,
    Deleted,
}

/// <summary>One notification, copied out of the view (which is valid only during the call); a delete carries only the key.</summary>
internal readonly record struct Change(ChangeKind Kind, int Partition, string Key, string? Value, uint Flags, ulong Cas, int Ttl, bool Stale, bool BinaryKey);

/// <summary>Records every notification in order. Thread safe, so tests that run the engine from several threads may use it.</summary>
internal sealed class RecordingObserver : IItemChangeObserver
{
    private readonly List<Change> _changes = [];

    public IReadOnlyList<Change> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    public void Clear()
    {
        lock (_changes)
        {
            _changes.Clear();
        }
    }

    public void OnItemChanged(int partition, in ItemView item)
    {
        var change = new Change(ChangeKind.Changed, partition, Encoding.ASCII.GetString(item.Key), Encoding.ASCII.GetString(item.Value),
            item.Flags, item.Cas, item.TtlRemaining, item.Stale, item.BinaryKey);
        lock (_changes)
        {
            _changes.Add(change);
        }
    }

    public void OnItemDeleted(int partition, ReadOnlySpan<byte> key)
    {
        var change = new Change(ChangeKind.Deleted, partition, Encoding.ASCII.GetString(key), null, 0, 0, 0, false, false);
        lock (_changes)
        {
            _changes.Add(change);
        }
    }
}

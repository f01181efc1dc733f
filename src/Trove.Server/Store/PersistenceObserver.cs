using Trove.Storage;
using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// Turns every item change the engine reports into a log record: the item's whole state (Set) or its removal
/// (Delete). Runs under the partition lock, so a key's records reach the log in the order of its changes;
/// <see cref="LogWriter.AppendAsync(in LogRecord, out RecordLocation)"/> only copies into memory, so it never blocks there.
/// </summary>
/// <remarks>With values on disk, the location of each Set goes to <paramref name="values"/>, whence the engine takes it for the item.</remarks>
internal sealed class PersistenceObserver(LogWriter writer, TimeProvider time, LogValueReader? values = null) : IItemChangeObserver
{
    /// <summary>Written as the expiry of an item reported already expired: a Unix time long past, which replay
    /// turns into a delete (a relative TTL would be meaningless after downtime).</summary>
    public const ulong AlreadyExpired = 1;

    public void OnItemChanged(int partition, in ItemView item)
    {
        ulong expiresAt = item.TtlRemaining switch
        {
            < 0 => 0,
            0 => AlreadyExpired,
            _ => (ulong)(time.GetUtcNow().ToUnixTimeSeconds() + item.TtlRemaining),
        };
        ItemBits bits = (item.Stale ? ItemBits.Stale : ItemBits.None) | (item.BinaryKey ? ItemBits.BinaryKey : ItemBits.None);
        RecordLocation location = Append(LogRecord.Set(item.Key, item.Value, item.Flags, expiresAt, item.Cas, bits));
        values?.NoteAppended(location);
    }

    public void OnItemDeleted(int partition, ReadOnlySpan<byte> key) => Append(LogRecord.Delete(key));

    private RecordLocation Append(in LogRecord record)
    {
        Task appended;
        RecordLocation location = default;
        try
        {
            appended = writer.AppendAsync(in record, out location);
        }
        catch (ArgumentException ex)
        {
            // A record the format cannot hold (a value over 1 GiB). Throwing here would unwind through the engine
            // with the partition lock held mid-operation; instead the request's connection gets the failure.
            appended = Task.FromException(new LogWriteFailedException(LogFailureKind.WriteFailed, ex.Message, ex));
        }

        StoreAppends.Note(appended);
        return location;
    }
}

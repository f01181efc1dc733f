namespace Trove.Storage;

/// <summary>
/// The engine's access to the store-mode log, for values that live on disk (docs/STORE.md, "Values on disk").
/// Set on an engine built with <see cref="EngineOptions.ValuesOnDisk"/>. Called under a partition lock: every member
/// must be thread-safe, must not call back into the engine, and <see cref="Read"/> reads at most one record.
/// </summary>
public interface IValueLog
{
    /// <summary>
    /// Where the Set record that the change observer appended on this thread during the current change is, and
    /// forgets it (default when none was appended). The engine calls it right after notifying the observer.
    /// </summary>
    ValueLocation TakeAppended();

    /// <summary>Whether the record at <paramref name="location"/>, <paramref name="recordLength"/> bytes, is in its file
    /// (written, not only queued), so <see cref="Read"/> can find it and the value may leave memory.</summary>
    bool IsWritten(in ValueLocation location, int recordLength);

    /// <summary>Reads exactly <c>destination.Length</c> bytes at <paramref name="location"/>; false when the file is
    /// missing or the read fails or comes up short (the caller counts it; the implementation may log it).</summary>
    bool Read(in ValueLocation location, Span<byte> destination);

    /// <summary>
    /// Blocks until every record appended so far is in its file (or the log has failed). The engine calls it with no
    /// lock held when memory is full and nothing could leave it because the records were still queued.
    /// </summary>
    void WaitWritten();

    /// <summary>A read succeeded but found another record than the item's (checksum, key, CAS or length differ): for the log.</summary>
    void ReportMismatch(in ValueLocation location);
}

namespace Trove.Server.Store;

/// <summary>The data directory could not be read or the log's new segment not created (permissions, a full disk).
/// The executable exits 69 (EX_UNAVAILABLE).</summary>
public sealed class StoreOpenException(string directory, Exception inner)
    : Exception($"cannot open the store in {directory}: {inner.Message}", inner);

using Trove.Storage.Persistence;

namespace Trove.Server.Store;

/// <summary>
/// Recovery found damage a crash cannot cause (docs/STORE.md, "Recovery"): the node refuses to start rather than
/// serve a log with a hole in it. The executable exits 65 (EX_DATAERR) with the file and offset.
/// </summary>
public sealed class StoreCorruptException(RecoveryResult result)
    : Exception($"the log is damaged: {result.CorruptFile} at offset {result.CorruptOffset}: {result.Corruption}. "
        + "Refusing to start; inspect the file (truncating it at that offset drops everything after it).")
{
    public RecoveryResult Result { get; } = result;
}

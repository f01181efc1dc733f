namespace Trove.Storage.Persistence;

/// <summary>
/// The only way the persistence code reaches the disk, so tests can inject faults (failed writes and fsyncs, a full
/// disk, torn writes, crashes between steps). Paths are plain strings; <see cref="ListFiles"/> returns file names
/// relative to the directory.
/// </summary>
/// <remarks>
/// Durability contract, which the fault-injecting test implementation enforces strictly: bytes written to a file
/// survive a power loss only once <see cref="IAppendFile.Sync"/> has returned; the creation, rename or deletion of a
/// directory entry survives only once <see cref="SyncDirectory"/> has returned for its directory. A killed process
/// (no power loss) loses nothing that a call has returned from, because the operating system holds it.
/// Every method may throw <see cref="IOException"/>; a full disk is an IOException that
/// <see cref="DiskFull.Is(IOException)"/> recognises.
/// </remarks>
public interface IFileSystem
{
    /// <summary>Creates the directory (and its parents) if it does not exist.</summary>
    void CreateDirectory(string directory);

    /// <summary>Names (not paths) of the regular files in <paramref name="directory"/>, in no particular order.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    bool FileExists(string path);

    long GetLength(string path);

    /// <summary>Opens <paramref name="path"/> for appending, creating it empty if it does not exist.</summary>
    IAppendFile OpenAppend(string path);

    /// <summary>Opens an existing file for reading.</summary>
    IReadFile OpenRead(string path);

    /// <summary>Cuts the file to <paramref name="length"/> bytes and makes the new length durable.</summary>
    void Truncate(string path, long length);

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, atomically replacing <paramref name="to"/> if it exists.</summary>
    void Rename(string from, string to);

    /// <summary>Deletes the file; no error if it does not exist.</summary>
    void Delete(string path);

    /// <summary>Makes the directory's entries (creations, renames, deletions) durable: fsync of the directory.</summary>
    void SyncDirectory(string directory);
}

/// <summary>A file open for appending. Not thread-safe: one writer at a time.</summary>
public interface IAppendFile : IDisposable
{
    /// <summary>Bytes in the file, including those not yet synced.</summary>
    long Length { get; }

    /// <summary>Appends all of <paramref name="data"/>; on an exception any prefix of it may have reached the file.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>fsync: returns once everything written so far is on stable storage.</summary>
    void Sync();
}

/// <summary>A file open for reading.</summary>
public interface IReadFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns 0 at the end of the file.</summary>
    int Read(long offset, Span<byte> buffer);
}

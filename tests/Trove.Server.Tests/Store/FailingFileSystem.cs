using Trove.Storage.Persistence;

namespace Trove.Server.Tests.Store;

/// <summary>The real file system, except that once <see cref="Fail"/> is set every segment write or fsync throws it.</summary>
internal sealed class FailingFileSystem : IFileSystem
{
    private readonly LocalFileSystem _disk = LocalFileSystem.Instance;

    /// <summary>Thrown by writes and fsyncs of files opened for append while set (null: none).</summary>
    public volatile IOException? Fail;

    public void CreateDirectory(string directory) => _disk.CreateDirectory(directory);

    public IReadOnlyList<string> ListFiles(string directory) => _disk.ListFiles(directory);

    public bool FileExists(string path) => _disk.FileExists(path);

    public long GetLength(string path) => _disk.GetLength(path);

    public IAppendFile OpenAppend(string path) => new File(this, _disk.OpenAppend(path));

    public IReadFile OpenRead(string path) => _disk.OpenRead(path);

    public void Truncate(string path, long length) => _disk.Truncate(path, length);

    public void Rename(string from, string to) => _disk.Rename(from, to);

    public void Delete(string path) => _disk.Delete(path);

    public void SyncDirectory(string directory) => _disk.SyncDirectory(directory);

    private sealed class File(FailingFileSystem owner, IAppendFile inner) : IAppendFile
    {
        public long Length => inner.Length;

        public void Write(ReadOnlySpan<byte> data)
        {
            if (owner.Fail is { } fail)
            {
                throw fail;
            }
            inner.Write(data);
        }

        public void Sync()
        {
            if (owner.Fail is { } fail)
            {
                throw fail;
            }
            inner.Sync();
        }

        public void Dispose() => inner.Dispose();
    }
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Trove.Storage.Persistence;

/// <summary>
/// The real file system: <see cref="RandomAccess"/> on a <see cref="SafeFileHandle"/> for data, fsync through
/// <see cref="FileStream.Flush(bool)"/>, and a directory fsync through libc on Unix (.NET has no API for it).
/// </summary>
public sealed partial class LocalFileSystem : IFileSystem
{
    public static readonly LocalFileSystem Instance = new();

    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var names = new List<string>();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            names.Add(Path.GetFileName(path));
        }

        return names;
    }

    public bool FileExists(string path) => File.Exists(path);

    public long GetLength(string path) => new FileInfo(path).Length;

    public IAppendFile OpenAppend(string path) => new AppendFile(path);

    public IReadFile OpenRead(string path) => new ReadFile(path);

    public void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.SetLength(length);
        stream.Flush(flushToDisk: true);
    }

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public void SyncDirectory(string directory)
    {
        // Windows makes directory entries durable with the metadata journal and cannot open a directory this way.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(directory, ORdOnly);
        if (fd < 0)
        {
            throw new IOException($"open({directory}) for fsync failed", Marshal.GetLastPInvokeError());
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync({directory}) failed", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private const int ORdOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Unbuffered in .NET (bufferSize 0): every Write is one write(2) straight to the OS.</summary>
    private sealed class AppendFile : IAppendFile
    {
        private readonly FileStream _stream;
        private long _length;

        public AppendFile(string path)
        {
            _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
            _length = _stream.Length;
        }

        public long Length => _length;

        public void Write(ReadOnlySpan<byte> data)
        {
            RandomAccess.Write(_stream.SafeFileHandle, data, _length);
            _length += data.Length;
        }

        public void Sync() => _stream.Flush(flushToDisk: true);

        public void Dispose() => _stream.Dispose();
    }

    private sealed class ReadFile : IReadFile
    {
        private readonly SafeFileHandle _handle;

        public ReadFile(string path) =>
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        public long Length => RandomAccess.GetLength(_handle);

        public int Read(long offset, Span<byte> buffer) => RandomAccess.Read(_handle, buffer, offset);

        public void Dispose() => _handle.Dispose();
    }
}

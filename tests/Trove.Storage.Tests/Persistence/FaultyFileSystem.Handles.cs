using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.Persistence;

/// <summary>File handles of the <see cref="FaultyFileSystem"/>: writes and fsyncs, where most faults strike.</summary>
internal sealed partial class FaultyFileSystem
{
    private void Write(Node node, string path, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            BeginMutation("write " + Path.GetFileName(path));
            int accepted = data.Length;
            IOException? failure = null;
            if (_writesUntilFailure == 0)
            {
                _writesUntilFailure = -1;
                accepted = Math.Min(BytesWrittenByFailedWrite, data.Length);
                failure = new IOException("injected write failure (EIO)", 5);
            }
            else if (_writesUntilFailure > 0)
            {
                _writesUntilFailure--;
            }

            if (Capacity is long capacity && TotalBytes() + accepted > capacity)
            {
                accepted = (int)Math.Max(0, capacity - TotalBytes());
                failure = new IOException("No space left on device", DiskFull.Enospc);
            }

            if (node.Data.Length < node.Length + accepted)
            {
                Array.Resize(ref node.Data, Math.Max(node.Data.Length * 2, node.Length + accepted));
            }

            data[..accepted].CopyTo(node.Data.AsSpan(node.Length));
            node.Length += accepted;
            WriteCount++;
            if (failure is not null)
            {
                throw failure;
            }
        }
    }

    private void Sync(Node node, string path)
    {
        int covered;
        lock (_lock)
        {
            BeginMutation("sync " + Path.GetFileName(path));
            covered = node.Length;
        }

        if (SyncGate is { } gate)
        {
            SyncEntered.Release();
            gate.Wait();
        }

        lock (_lock)
        {
            ThrowIfCrashed();
            if (_syncsUntilFailure == 0)
            {
                _syncsUntilFailure = -1;
                throw new IOException("injected fsync failure (EIO)", 5);
            }

            if (_syncsUntilFailure > 0)
            {
                _syncsUntilFailure--;
            }

            node.SyncedLength = Math.Max(node.SyncedLength, Math.Min(covered, node.Length));
            SyncCount++;
        }
    }

    private sealed class AppendFile(FaultyFileSystem fs, Node node, string path) : IAppendFile
    {
        private bool _disposed;

        public long Length
        {
            get
            {
                lock (fs._lock)
                {
                    return node.Length;
                }
            }
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fs.Write(node, path, data);
        }

        public void Sync()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fs.Sync(node, path);
        }

        public void Dispose() => _disposed = true;
    }

    private sealed class ReadFile(FaultyFileSystem fs, Node node) : IReadFile
    {
        public long Length
        {
            get
            {
                lock (fs._lock)
                {
                    return node.Length;
                }
            }
        }

        public int Read(long offset, Span<byte> buffer)
        {
            lock (fs._lock)
            {
                fs.ThrowIfCrashed();
                if (fs.FailReads)
                {
                    throw new IOException("injected read failure (EIO)", 5);
                }

                int n = (int)Math.Clamp(node.Length - offset, 0, buffer.Length);
                node.Data.AsSpan((int)offset, n).CopyTo(buffer);
                return n;
            }
        }

        public void Dispose()
        {
        }
    }
}

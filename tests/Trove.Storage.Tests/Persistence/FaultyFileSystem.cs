using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.Persistence;

/// <summary>
/// An in-memory <see cref="IFileSystem"/> that keeps the durability contract strictly and injects faults.
/// </summary>
/// <remarks>
/// Model: each file has its bytes and a synced length (what an fsync covered); the directory has its current entries
/// and its durable entries (as of the last directory fsync). <see cref="PowerLoss"/> reverts to the durable entries
/// and cuts every file to its synced length plus, optionally, a prefix of its unsynced bytes (a torn write);
/// <see cref="KillProcess"/> loses nothing, as kill -9 leaves the page cache alone. Faults: fail the Nth write (after
/// writing some of its bytes), fail an fsync, a capacity past which writes fail with ENOSPC, a crash after N
/// mutating operations (every later call throws until a power loss or kill), and a gate that holds fsyncs.
/// </remarks>
internal sealed partial class FaultyFileSystem : IFileSystem
{
    private sealed class Node
    {
        public byte[] Data = new byte[256];
        public int Length;
        public int SyncedLength;
    }

    private readonly object _lock = new();
    private Dictionary<string, Node> _files = new(StringComparer.Ordinal);
    private Dictionary<string, Node> _durable = new(StringComparer.Ordinal);
    private int _writesUntilFailure = -1;
    private int _syncsUntilFailure = -1;
    private int _operationsUntilCrash = -1;
    private bool _crashed;

    /// <summary>Bytes of a failed write that still reach the file (a partial write), when a write is failed on purpose.</summary>
    public int BytesWrittenByFailedWrite { get; set; }

    /// <summary>Total bytes all files may hold; a write past it writes what fits, then fails with ENOSPC.</summary>
    public long? Capacity { get; set; }

    /// <summary>While set, every read through an open handle fails with EIO (a bad sector under a value on disk).</summary>
    public bool FailReads { get; set; }

    /// <summary>When set, every file fsync signals <see cref="SyncEntered"/> and waits for this gate.</summary>
    public ManualResetEventSlim? SyncGate { get; set; }

    public SemaphoreSlim SyncEntered { get; } = new(0);

    public int WriteCount { get; private set; }

    /// <summary>Completed file fsyncs.</summary>
    public int SyncCount { get; private set; }

    public int DirectorySyncCount { get; private set; }

    /// <summary>Every mutating operation, e.g. "write log-...trv", "rename a -> b", for asserting order.</summary>
    public List<string> Operations { get; } = [];

    /// <summary>The next write fails after <paramref name="writesBefore"/> more succeed.</summary>
    public void FailWriteAfter(int writesBefore) => _writesUntilFailure = writesBefore;

    /// <summary>The next fsync fails after <paramref name="syncsBefore"/> more succeed.</summary>
    public void FailSyncAfter(int syncsBefore) => _syncsUntilFailure = syncsBefore;

    /// <summary>After <paramref name="operations"/> more mutating operations the process dies: that call and all later ones throw.</summary>
    public void CrashAfter(int operations) => _operationsUntilCrash = operations;

    /// <summary>The process dies now: every later call throws <see cref="SimulatedCrashException"/>.</summary>
    public void Crash()
    {
        lock (_lock)
        {
            _crashed = true;
        }
    }

    public bool HasCrashed
    {
        get
        {
            lock (_lock)
            {
                return _crashed;
            }
        }
    }

    /// <summary>kill -9: whatever calls returned from stays (the OS has it); the file system works again.</summary>
    public void KillProcess()
    {
        lock (_lock)
        {
            ResetFaults();
        }
    }

    /// <summary>After a crash: the machine lost power (unsynced bytes may go) or only the process died (they stay).</summary>
    public void Restart(bool powerLoss)
    {
        if (powerLoss)
        {
            PowerLoss();
        }
        else
        {
            KillProcess();
        }
    }

    /// <summary>
    /// Power loss: directory entries revert to the last directory fsync; each file keeps its synced bytes plus
    /// <paramref name="keepUnsynced"/>(name, unsynced byte count) of the rest (default none).
    /// </summary>
    public void PowerLoss(Func<string, int, int>? keepUnsynced = null)
    {
        lock (_lock)
        {
            _files = new Dictionary<string, Node>(_durable, StringComparer.Ordinal);
            foreach ((string path, Node node) in _files)
            {
                int unsynced = node.Length - node.SyncedLength;
                int keep = Math.Clamp(keepUnsynced?.Invoke(Path.GetFileName(path), unsynced) ?? 0, 0, unsynced);
                node.Length = node.SyncedLength + keep;
                node.SyncedLength = node.Length;
            }

            ResetFaults();
        }
    }

    /// <summary>A copy of the file's current bytes.</summary>
    public byte[] ReadAllBytes(string path)
    {
        lock (_lock)
        {
            Node node = _files[path];
            return node.Data.AsSpan(0, node.Length).ToArray();
        }
    }

    /// <summary>Replaces a file's bytes (durably), to plant damage.</summary>
    public void WriteAllBytes(string path, byte[] bytes)
    {
        lock (_lock)
        {
            var node = new Node { Data = bytes.ToArray(), Length = bytes.Length, SyncedLength = bytes.Length };
            _files[path] = node;
            _durable[path] = node;
        }
    }

    public void CreateDirectory(string directory)
    {
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            return _files.Keys.Where(p => Path.GetDirectoryName(p) == directory).Select(Path.GetFileName).ToList()!;
        }
    }

    public bool FileExists(string path)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            return _files.ContainsKey(path);
        }
    }

    public long GetLength(string path)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            return _files.TryGetValue(path, out Node? node) ? node.Length : throw new FileNotFoundException(path);
        }
    }

    public IAppendFile OpenAppend(string path)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(path, out Node? node))
            {
                BeginMutation("create " + Path.GetFileName(path));
                node = new Node();
                _files[path] = node;
            }

            return new AppendFile(this, node, path);
        }
    }

    public IReadFile OpenRead(string path)
    {
        lock (_lock)
        {
            ThrowIfCrashed();
            return _files.TryGetValue(path, out Node? node) ? new ReadFile(this, node) : throw new FileNotFoundException(path);
        }
    }

    public void Truncate(string path, long length)
    {
        lock (_lock)
        {
            BeginMutation("truncate " + Path.GetFileName(path));
            Node node = _files[path];
            node.Length = (int)Math.Min(node.Length, length);
            node.SyncedLength = node.Length;
        }
    }

    public void Rename(string from, string to)
    {
        lock (_lock)
        {
            BeginMutation($"rename {Path.GetFileName(from)} -> {Path.GetFileName(to)}");
            Node node = _files[from];
            _files.Remove(from);
            _files[to] = node;
        }
    }

    public void Delete(string path)
    {
        lock (_lock)
        {
            if (_files.ContainsKey(path))
            {
                BeginMutation("delete " + Path.GetFileName(path));
                _files.Remove(path);
            }
        }
    }

    public void SyncDirectory(string directory)
    {
        lock (_lock)
        {
            BeginMutation("syncdir");
            foreach (string path in _durable.Keys.Where(p => Path.GetDirectoryName(p) == directory).ToList())
            {
                _durable.Remove(path);
            }

            foreach ((string path, Node node) in _files.Where(e => Path.GetDirectoryName(e.Key) == directory))
            {
                _durable[path] = node;
            }

            DirectorySyncCount++;
        }
    }

    /// <summary>Caller holds _lock. Counts a mutating operation and kills the process when its time has come.</summary>
    private void BeginMutation(string operation)
    {
        ThrowIfCrashed();
        if (_operationsUntilCrash == 0)
        {
            _crashed = true;
            _operationsUntilCrash = -1;
            throw new SimulatedCrashException();
        }

        if (_operationsUntilCrash > 0)
        {
            _operationsUntilCrash--;
        }

        Operations.Add(operation);
    }

    private void ThrowIfCrashed()
    {
        if (_crashed)
        {
            throw new SimulatedCrashException();
        }
    }

    private void ResetFaults()
    {
        _crashed = false;
        _operationsUntilCrash = -1;
        _writesUntilFailure = -1;
        _syncsUntilFailure = -1;
        Capacity = null;
        SyncGate = null;
    }

    private long TotalBytes() => _files.Values.Distinct().Sum(n => (long)n.Length);
}

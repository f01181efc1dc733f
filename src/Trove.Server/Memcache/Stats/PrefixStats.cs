using System.Buffers;
using System.Buffers.Text;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// Per-prefix counters for "stats detail on|off|dump" (memcached's stats_prefix.c). A key's prefix is what precedes
/// its first ':'; keys without one are not counted. Off by default, so the request path pays one volatile read.
/// The table mirrors memcached's (256 buckets by murmur3, newest prefix first in its bucket, a prefix matching the
/// first bytes of an older one in its bucket counted there) so that dumps list the same lines in the same order.
/// </summary>
public sealed class PrefixStats
{
    private const int BucketCount = 256;
    private const int MaxPrefixes = 1 << 16;
    private const byte Delimiter = (byte)':';

    private readonly Entry?[] _buckets = new Entry?[BucketCount];
    private readonly Lock _lock = new();
    private volatile bool _enabled;
    private int _count;

    /// <summary>Whether counting is on (memcached's detail_enabled).</summary>
    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    public void RecordGet(ReadOnlySpan<byte> key, bool hit)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (Find(key) is { } entry)
            {
                entry.Gets++;
                if (hit)
                {
                    entry.Hits++;
                }
            }
        }
    }

    public void RecordSet(ReadOnlySpan<byte> key)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (Find(key) is { } entry)
            {
                entry.Sets++;
            }
        }
    }

    public void RecordDelete(ReadOnlySpan<byte> key)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (Find(key) is { } entry)
            {
                entry.Deletes++;
            }
        }
    }

    /// <summary>Forgets every prefix (stats reset).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_buckets);
            _count = 0;
        }
    }

    /// <summary>Writes "PREFIX &lt;p&gt; get N hit N set N del N" lines and END.</summary>
    public void Dump(IBufferWriter<byte> output)
    {
        lock (_lock)
        {
            foreach (Entry? head in _buckets)
            {
                for (Entry? entry = head; entry is not null; entry = entry.Next)
                {
                    output.Write("PREFIX "u8);
                    output.Write(entry.Prefix);
                    WriteCounter(output, " get "u8, entry.Gets);
                    WriteCounter(output, " hit "u8, entry.Hits);
                    WriteCounter(output, " set "u8, entry.Sets);
                    WriteCounter(output, " del "u8, entry.Deletes);
                    output.Write("\r\n"u8);
                }
            }
        }
        output.Write("END\r\n"u8);
    }

    private static void WriteCounter(IBufferWriter<byte> output, ReadOnlySpan<byte> label, long value)
    {
        output.Write(label);
        Span<byte> span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        output.Advance(written);
    }

    /// <summary>memcached's stats_prefix_find; allocates an entry the first time a prefix is seen.</summary>
    private Entry? Find(ReadOnlySpan<byte> key)
    {
        int length = key.IndexOf(Delimiter);
        if (length < 0)
        {
            return null;
        }
        ReadOnlySpan<byte> prefix = key.Slice(0, length);
        int bucket = (int)(Murmur3.Hash(prefix) % BucketCount);
        for (Entry? entry = _buckets[bucket]; entry is not null; entry = entry.Next)
        {
            // strncmp(entry, key, length): only the first `length` bytes of the stored prefix are compared.
            if (entry.Prefix.Length >= length && entry.Prefix.AsSpan(0, length).SequenceEqual(prefix))
            {
                return entry;
            }
        }
        if (_count >= MaxPrefixes)
        {
            return null;
        }
        _count++;
        var created = new Entry(prefix.ToArray(), _buckets[bucket]);
        _buckets[bucket] = created;
        return created;
    }

    private sealed class Entry(byte[] prefix, Entry? next)
    {
        public byte[] Prefix { get; } = prefix;
        public Entry? Next { get; } = next;
        public long Gets;
        public long Hits;
        public long Sets;
        public long Deletes;
    }
}

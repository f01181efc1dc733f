using System.Buffers;
using System.Buffers.Text;
using Trove.Protocol.Text;
using Trove.Storage;

namespace Trove.Server.Memcache.Stats;

/// <summary>
/// Commands that walk the items themselves: "stats cachedump", "lru_crawler metadump" and "stats sizes". They visit
/// the engine's partitions one lock batch at a time, so traffic continues meanwhile. Items are listed in the
/// engine's order, which is not memcached's LRU order.
/// </summary>
internal static class ItemDumps
{
    /// <summary>The engine's per-item header; with key and value it decides an item's slab class.</summary>
    internal const int EngineItemHeaderSize = 28;

    /// <summary>memcached caps a cachedump reply at 2 MiB.</summary>
    private const int CacheDumpLimitBytes = 2 * 1024 * 1024;

    /// <summary>memcached's histogram bucket width for "stats sizes".</summary>
    private const int SizeBucket = 32;

    /// <summary>"stats cachedump &lt;class&gt; &lt;limit&gt;": "ITEM key [bytes b; expiry s]" per item of the class, then END.</summary>
    public static void CacheDump(ServerContext context, int classId, uint limit, IBufferWriter<byte> output)
    {
        var visitor = new CacheDumpVisitor(output, context.SlabClasses, classId, limit, UnixNow(context));
        Visit(context.Engine, ref visitor);
        output.Write(TextReplies.End);
    }

    /// <summary>"lru_crawler metadump": one "key=... exp=... la=... cas=... fetch=... cls=... size=..." line per item, then END.</summary>
    public static void MetaDump(ServerContext context, IBufferWriter<byte> output)
    {
        var visitor = new MetaDumpVisitor(output, context.SlabClasses, UnixNow(context));
        Visit(context.Engine, ref visitor);
        output.Write(TextReplies.End);
    }

    /// <summary>"stats sizes": counts of the items stored since tracking was switched on, by total size rounded up to 32 bytes.</summary>
    public static void Sizes(ServerContext context, IBufferWriter<byte> output)
    {
        if (!context.Settings.TrackSizes)
        {
            TextReplyWriter.WriteStat(output, "sizes_status"u8, "disabled"u8);
            output.Write(TextReplies.End);
            return;
        }
        var visitor = new SizeVisitor(new long[context.Engine.Options.MaxItemSize / SizeBucket + 1], context.Settings.TrackSizesFromCas);
        Visit(context.Engine, ref visitor);
        Span<byte> name = stackalloc byte[12];
        for (int bucket = 0; bucket < visitor.Counts.Length; bucket++)
        {
            if (visitor.Counts[bucket] != 0)
            {
                Utf8Formatter.TryFormat(bucket * SizeBucket, name, out int length);
                TextReplyWriter.WriteStat(output, name.Slice(0, length), (ulong)visitor.Counts[bucket]);
            }
        }
        output.Write(TextReplies.End);
    }

    private static void Visit<TVisitor>(CacheEngine engine, ref TVisitor visitor)
        where TVisitor : struct, IItemReader, IStopper
    {
        for (int partition = 0; partition < engine.PartitionCount && !visitor.Done; partition++)
        {
            engine.ForEachInPartition(partition, ref visitor);
        }
    }

    private static long UnixNow(ServerContext context) => context.Time.GetUtcNow().ToUnixTimeSeconds();

    private static long MemcachedTotal(in ItemView item) => SlabClassSizes.ItemTotal(item.Key.Length, item.Value.Length, item.Flags);

    private static int EngineClass(SlabClassSizes classes, in ItemView item) =>
        classes.ClassFor(EngineItemHeaderSize + item.Key.Length + item.Value.Length);

    /// <summary>Absolute Unix expiry as memcached prints it, or <paramref name="never"/> for items that do not expire.</summary>
    private static long UnixExpiry(in ItemView item, long unixNow, long never) => item.TtlRemaining < 0 ? never : unixNow + item.TtlRemaining;

    private interface IStopper
    {
        bool Done { get; }
    }

    private struct CacheDumpVisitor(IBufferWriter<byte> output, SlabClassSizes classes, int classId, uint limit, long unixNow) : IItemReader, IStopper
    {
        private uint _shown;
        private long _bytes;

        public readonly bool Done => (limit != 0 && _shown >= limit) || _bytes >= CacheDumpLimitBytes;

        public void Read(in ItemView item)
        {
            if (Done || EngineClass(classes, item) != classId)
            {
                return;
            }
            // Written in place: a store-mode key may be far longer than memcached's 250 bytes.
            Span<byte> line = output.GetSpan(item.Key.Length + 64);
            "ITEM "u8.CopyTo(line);
            int length = 5;
            item.Key.CopyTo(line.Slice(length));
            length += item.Key.Length;
            line[length++] = (byte)' ';
            line[length++] = (byte)'[';
            Utf8Formatter.TryFormat(item.Value.Length, line.Slice(length), out int digits);
            length += digits;
            " b; "u8.CopyTo(line.Slice(length));
            length += 4;
            Utf8Formatter.TryFormat(UnixExpiry(item, unixNow, never: 0), line.Slice(length), out digits);
            length += digits;
            " s]\r\n"u8.CopyTo(line.Slice(length));
            length += 5;
            if (_bytes + length + 6 > CacheDumpLimitBytes)
            {
                _bytes = CacheDumpLimitBytes;
                return;
            }
            output.Advance(length);
            _bytes += length;
            _shown++;
        }
    }

    private readonly struct MetaDumpVisitor(IBufferWriter<byte> output, SlabClassSizes classes, long unixNow) : IItemReader, IStopper
    {
        public bool Done => false;

        public void Read(in ItemView item)
        {
            // Keys are URI-encoded (up to 3 bytes per key byte), as memcached does.
            // Written in place: a store-mode key may be far longer than memcached's 250 bytes.
            Span<byte> line = output.GetSpan((item.Key.Length * 3) + 160);
            "key="u8.CopyTo(line);
            int length = 4 + UriEncode(item.Key, line.Slice(4));
            length += Field(line.Slice(length), " exp="u8, UnixExpiry(item, unixNow, never: -1));
            length += Field(line.Slice(length), " la="u8, unixNow - item.SecondsSinceLastAccess);
            " cas="u8.CopyTo(line.Slice(length));
            length += 5;
            Utf8Formatter.TryFormat(item.Cas, line.Slice(length), out int digits);
            length += digits;
            ReadOnlySpan<byte> fetched = item.FetchedBefore ? " fetch=yes"u8 : " fetch=no"u8;
            fetched.CopyTo(line.Slice(length));
            length += fetched.Length;
            length += Field(line.Slice(length), " cls="u8, EngineClass(classes, item));
            length += Field(line.Slice(length), " size="u8, MemcachedTotal(item));
            line[length++] = (byte)'\n';
            output.Advance(length);
        }

        private static int Field(Span<byte> destination, ReadOnlySpan<byte> label, long value)
        {
            label.CopyTo(destination);
            Utf8Formatter.TryFormat(value, destination.Slice(label.Length), out int digits);
            return label.Length + digits;
        }

        /// <summary>memcached's uriencode: letters, digits and "-._~" as they are, every other byte as %XX.</summary>
        private static int UriEncode(ReadOnlySpan<byte> key, Span<byte> destination)
        {
            int length = 0;
            foreach (byte b in key)
            {
                if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    destination[length++] = b;
                }
                else
                {
                    destination[length++] = (byte)'%';
                    destination[length++] = (byte)"0123456789ABCDEF"[b >> 4];
                    destination[length++] = (byte)"0123456789ABCDEF"[b & 15];
                }
            }
            return length;
        }
    }

    private readonly struct SizeVisitor(long[] counts, ulong fromCas) : IItemReader, IStopper
    {
        public long[] Counts => counts;

        public bool Done => false;

        public void Read(in ItemView item)
        {
            if (item.Cas < fromCas)
            {
                return;
            }
            long bucket = (MemcachedTotal(item) + SizeBucket - 1) / SizeBucket;
            if (bucket < counts.Length)
            {
                counts[bucket]++;
            }
        }
    }
}

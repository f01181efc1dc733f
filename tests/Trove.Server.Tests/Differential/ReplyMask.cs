using System.Text;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// The only parts of a reply that may differ between memcached and Trove. Each masked value is replaced by
/// "&lt;masked&gt;"; a STAT line keeps its name, so names and their order are still compared, and so is every
/// value not listed here (CAS numbers included: both servers start fresh and must agree).
/// </summary>
internal static class ReplyMask
{
    public const string Masked = "<masked>";

    /// <summary>Plain STAT names, from "stats" and "stats settings" (and "stats slabs" totals).</summary>
    public static IReadOnlyDictionary<string, string> General { get; } = new Dictionary<string, string>
    {
        ["pid"] = "process id",
        ["uptime"] = "seconds since the process started; the two servers start at different instants",
        ["time"] = "the server's wall clock, read at a different instant by each server",
        ["version"] = "version string (Trove reports its own)",
        ["libevent"] = "version of memcached's event library; Trove has none",
        ["pointer_size"] = "a build fact of the process",
        ["rusage_user"] = "CPU time the process has used",
        ["rusage_system"] = "CPU time the process has used",
        ["connection_structures"] = "memcached's per-file-descriptor connection objects: allocation, not traffic",
        ["reserved_fds"] = "descriptors memcached keeps for itself (listeners, thread pipes): its process layout",
        ["response_obj_count"] = "memcached's per-thread response object cache: allocator state",
        ["response_obj_bytes"] = "memcached's per-thread response object cache: allocator state",
        ["read_buf_count"] = "memcached's per-thread read buffer cache: allocator state",
        ["read_buf_bytes"] = "memcached's per-thread read buffer cache: allocator state",
        ["read_buf_bytes_free"] = "memcached's per-thread read buffer cache: allocator state",
        ["slab_global_page_pool"] = "pages memcached's slab mover returned to its global pool: allocator state",
        ["lru_crawler_starts"] = "the background LRU crawler runs on its own timer",
        ["lru_maintainer_juggles"] = "iterations of the background LRU maintainer thread: timing",
        ["crawler_items_checked"] = "items visited by the background crawler: timing",
        ["moves_to_cold"] = "the background LRU maintainer moves items between segments on its own schedule",
        ["moves_to_warm"] = "the background LRU maintainer moves items between segments on its own schedule",
        ["moves_within_lru"] = "the background LRU maintainer moves items between segments on its own schedule",
        ["lrutail_reflocked"] = "items the background LRU maintainer found in use at an LRU tail: timing",
        ["tcpport"] = "each server listens on its own free port",
        ["time_since_server_cert_refresh"] = "seconds since the server loaded its certificate: each server's own clock",
        ["total_malloced"] = "bytes of slab pages allocated: the slab allocator's page policy",
        ["hash_power_level"] = "log2 of the hash index's slots: Trove's index is per partition and grows by 1.5x, memcached's is one table of 2^16",
        ["hash_bytes"] = "size of the hash index: Trove's 8-byte slots per partition, memcached's one table of pointers",
        ["bytes"] = "bytes the items really occupy: Trove's item header is 28 bytes, memcached's 48 to 56 plus a CRLF and a suffix",
    };

    /// <summary>Names after "items:N:" in "stats items".</summary>
    public static IReadOnlyDictionary<string, string> Items { get; } = new Dictionary<string, string>
    {
        ["number_hot"] = "how many items sit in each LRU segment depends on when the maintainer thread ran",
        ["number_warm"] = "how many items sit in each LRU segment depends on when the maintainer thread ran",
        ["number_cold"] = "how many items sit in each LRU segment depends on when the maintainer thread ran",
        ["age_hot"] = "seconds since last access: the clock ticks independently in each server",
        ["age_warm"] = "seconds since last access: the clock ticks independently in each server",
        ["age"] = "seconds since last access: the clock ticks independently in each server",
        ["evicted_time"] = "seconds since the last evicted item was accessed: clock",
        ["crawler_items_checked"] = "items visited by the background crawler: timing",
        ["moves_to_cold"] = "segment moves by the background maintainer: timing",
        ["moves_to_warm"] = "segment moves by the background maintainer: timing",
        ["moves_within_lru"] = "segment moves by the background maintainer: timing",
        ["lrutail_reflocked"] = "items the background LRU maintainer found in use at an LRU tail: timing",
        ["hits_to_hot"] = "which segment an item is in when hit depends on the maintainer's timing",
        ["hits_to_warm"] = "which segment an item is in when hit depends on the maintainer's timing",
        ["hits_to_cold"] = "which segment an item is in when hit depends on the maintainer's timing",
        ["hits_to_temp"] = "which segment an item is in when hit depends on the maintainer's timing",
        ["mem_requested"] = "bytes the class's items really occupy: Trove's item header is 28 bytes, memcached's 48 to 56",
    };

    /// <summary>Names after "N:" in "stats slabs": page bookkeeping of the allocator (chunk sizes and per-class counters are compared).</summary>
    public static IReadOnlyDictionary<string, string> Slabs { get; } = new Dictionary<string, string>
    {
        ["total_pages"] = "whole pages handed to a class: the slab allocator's page policy",
        ["total_chunks"] = "chunks in the class's pages: the slab allocator's page policy",
        ["free_chunks"] = "unused chunks in the class's pages: the slab allocator's page policy",
        ["free_chunks_end"] = "chunks never carved from the current page: the slab allocator's page policy",
        ["mem_requested"] = "bytes the class's items really occupy: Trove's item header is 28 bytes, memcached's 48 to 56",
    };

    /// <summary>Masks one reply; lines are kept, only masked values change.</summary>
    public static string Apply(byte[] reply)
    {
        // Latin-1 maps every byte to one char, so arbitrary bytes survive the round trip through text.
        string text = Encoding.Latin1.GetString(reply);
        var masked = new StringBuilder(text.Length);
        foreach (string line in Lines(text))
        {
            masked.Append(MaskLine(line));
        }

        return masked.ToString();
    }

    /// <summary>Lines with their terminators (the last one may have none).</summary>
    public static IEnumerable<string> Lines(string text)
    {
        int start = 0;
        while (start < text.Length)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline + 1;
            yield return text[start..end];
            start = end;
        }
    }

    private static string MaskLine(string line)
    {
        if (line.StartsWith("VERSION ", StringComparison.Ordinal) && line.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return $"VERSION {Masked}\r\n";
        }

        if (!line.StartsWith("STAT ", StringComparison.Ordinal) || !line.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return line;
        }

        string body = line[5..^2];
        int space = body.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return line;
        }

        string name = body[..space];
        return IsMasked(name) ? $"STAT {name} {Masked}\r\n" : line;
    }

    private static bool IsMasked(string name)
    {
        string[] parts = name.Split(':');
        return parts switch
        {
            [var plain] => General.ContainsKey(plain),
            ["items", _, var item] => Items.ContainsKey(item),
            [var slab, var field] when slab.All(char.IsAsciiDigit) => Slabs.ContainsKey(field),
            _ => false,
        };
    }
}

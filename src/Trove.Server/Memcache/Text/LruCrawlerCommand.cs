using System.Buffers;
using Trove.Protocol.Text;
using Trove.Server.Memcache.Stats;

namespace Trove.Server.Memcache.Text;

/// <summary>
/// lru_crawler crawl|metadump|tocrawl|sleep|enable|disable, answered as memcached 1.6.18 answers once its crawler
/// thread has settled (memcached flips some of these states asynchronously; Trove applies them at once).
/// </summary>
internal static class LruCrawlerCommand
{
    private const uint MaxSleepMicroseconds = 1_000_000;

    public static void Execute(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output, bool repliesPending)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        RuntimeSettings settings = context.Settings;
        ReadOnlySpan<byte> subcommand = tokens[1].Of(line);
        if (tokens.Count == 3)
        {
            ReadOnlySpan<byte> argument = tokens[2].Of(line);
            if (subcommand.SequenceEqual("crawl"u8))
            {
                Crawl(context, argument, output);
                return;
            }
            if (subcommand.SequenceEqual("metadump"u8))
            {
                MetaDump(context, argument, output, repliesPending);
                return;
            }
            if (subcommand.SequenceEqual("tocrawl"u8) || subcommand.SequenceEqual("sleep"u8))
            {
                if (!TextNumber.TryParseUInt32(argument, out uint number))
                {
                    output.Write(TextReplies.BadCommandLineFormat);
                }
                else if (subcommand[0] == 't')
                {
                    settings.LruCrawlerToCrawl = number;
                    output.Write(TextReplies.Ok);
                }
                else if (number > MaxSleepMicroseconds)
                {
                    output.Write("CLIENT_ERROR sleep must be one second or less\r\n"u8);
                }
                else
                {
                    settings.LruCrawlerSleep = number;
                    output.Write(TextReplies.Ok);
                }
                return;
            }
        }
        else if (tokens.Count == 2 && subcommand.SequenceEqual("enable"u8))
        {
            output.Write(settings.LruCrawlerEnabled ? "ERROR failed to start lru crawler thread\r\n"u8 : TextReplies.Ok);
            settings.LruCrawlerEnabled = true;
            return;
        }
        else if (tokens.Count == 2 && subcommand.SequenceEqual("disable"u8))
        {
            settings.LruCrawlerEnabled = false;
            output.Write(TextReplies.Ok);
            return;
        }
        output.Write(TextReplies.Error);
    }

    private static void Crawl(ServerContext context, ReadOnlySpan<byte> classes, IBufferWriter<byte> output)
    {
        if (!CanCrawl(context, classes, output))
        {
            return;
        }
        // The engine's crawler already runs continuously in the background (EngineMaintenanceService), so a
        // requested crawl has nothing to start.
        output.Write(TextReplies.Ok);
    }

    private static void MetaDump(ServerContext context, ReadOnlySpan<byte> classes, IBufferWriter<byte> output, bool repliesPending)
    {
        if (!context.Settings.LruCrawlerEnabled)
        {
            output.Write(CrawlerDisabled);
            return;
        }
        if (repliesPending)
        {
            // memcached streams the dump from its crawler thread, so it refuses to interleave it with other replies.
            output.Write("ERROR cannot pipeline other commands before metadump\r\n"u8);
            return;
        }
        if (CanCrawl(context, classes, output))
        {
            ItemDumps.MetaDump(context, output);
        }
    }

    private static ReadOnlySpan<byte> CrawlerDisabled => "CLIENT_ERROR lru crawler disabled\r\n"u8;

    /// <summary>What crawl and metadump check first, as memcached does: the crawler is enabled and the class list names
    /// classes with items. Writes the refusal and returns false otherwise.</summary>
    private static bool CanCrawl(ServerContext context, ReadOnlySpan<byte> classes, IBufferWriter<byte> output)
    {
        if (!context.Settings.LruCrawlerEnabled)
        {
            output.Write(CrawlerDisabled);
            return false;
        }
        ReadOnlySpan<byte> result = ParseClasses(classes, out bool any);
        if (!result.IsEmpty)
        {
            output.Write(result);
            return false;
        }
        if (!any)
        {
            output.Write("NOTSTARTED no items to crawl\r\n"u8);
            return false;
        }
        return true;
    }

    /// <summary>
    /// "all", "hash", or a comma-separated list of class ids (empty entries skipped, as strtok does). Returns the
    /// error reply, or an empty span when the list is valid; <paramref name="any"/> tells whether it named a class.
    /// </summary>
    private static ReadOnlySpan<byte> ParseClasses(ReadOnlySpan<byte> classes, out bool any)
    {
        any = true;
        if (classes.SequenceEqual("all"u8) || classes.SequenceEqual("hash"u8))
        {
            return default;
        }
        any = false;
        foreach (Range part in classes.Split((byte)','))
        {
            ReadOnlySpan<byte> id = classes[part];
            if (id.IsEmpty)
            {
                continue;
            }
            if (!TextNumber.TryParseUInt32(id, out uint classId) || classId < 1 || classId >= AdminCommands.MaxSlabClasses)
            {
                return "BADCLASS invalid class id\r\n"u8;
            }
            any = true;
        }
        return default;
    }
}

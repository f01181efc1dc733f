using System.Buffers;
using Trove.Protocol.Text;

namespace Trove.Server.Memcache.Text;

/// <summary>
/// memcached's tuning commands (slabs, lru, watch, extstore, refresh_certs). They validate and answer exactly as
/// memcached 1.6.18 does and record what they set in <see cref="RuntimeSettings"/> for "stats settings"; Trove's
/// engine manages its memory itself, so none of them changes how items are stored.
/// </summary>
internal static class AdminCommands
{
    /// <summary>memcached's MAX_NUMBER_OF_SLAB_CLASSES (class ids are below it).</summary>
    public const int MaxSlabClasses = 64;

    public static void Slabs(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        ReadOnlySpan<byte> subcommand = tokens[1].Of(line);
        if (tokens.Count == 4 && subcommand.SequenceEqual("reassign"u8))
        {
            if (!TextNumber.TryParseInt32(tokens[2].Of(line), out int source) || !TextNumber.TryParseInt32(tokens[3].Of(line), out int destination))
            {
                output.Write(TextReplies.BadCommandLineFormat);
                return;
            }
            output.Write(Reassign(context, source, destination));
            return;
        }
        if (tokens.Count >= 3 && subcommand.SequenceEqual("automove"u8))
        {
            SlabsAutomove(context, in request, line, output);
            return;
        }
        output.Write(TextReplies.Error);
    }

    /// <summary>
    /// Trove's engine never moves pages between classes, so a valid request gets memcached's answer for a source
    /// class with no page to spare.
    /// </summary>
    private static ReadOnlySpan<byte> Reassign(ServerContext context, int source, int destination)
    {
        if (source == destination)
        {
            return "SAME src and dst class are identical\r\n"u8;
        }
        int largest = context.SlabClasses.Largest;
        // -1 asks memcached to pick a source class with a spare page; there never is one, so it finds none.
        // Class 0 is memcached's global page pool, a valid source and destination.
        if (source < 0 || source > largest || destination < 0 || destination > largest)
        {
            return "BADCLASS invalid src or dst class id\r\n"u8;
        }
        return "NOSPARE source class has no spare pages\r\n"u8;
    }

    private static void SlabsAutomove(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        bool noReply = tokens[tokens.Count - 1].Of(line).SequenceEqual("noreply"u8);
        ReadOnlySpan<byte> reply = TextReplies.Ok;
        if (tokens[2].Of(line).SequenceEqual("ratio"u8))
        {
            if (tokens.Count < 4 || !TextNumber.TryParseDouble(tokens[3].Of(line), out double ratio))
            {
                reply = TextReplies.Error;
            }
            else
            {
                context.Settings.SlabAutomoveRatio = ratio;
            }
        }
        else if (!TextNumber.TryParseUInt32(tokens[2].Of(line), out uint level))
        {
            reply = TextReplies.BadCommandLineFormat;
        }
        else if (level <= 2)
        {
            context.Settings.SlabAutomove = (int)level;
        }
        else
        {
            reply = TextReplies.Error;
        }
        if (!noReply)
        {
            output.Write(reply);
        }
    }

    public static void Lru(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        RuntimeSettings settings = context.Settings;
        ReadOnlySpan<byte> subcommand = tokens[1].Of(line);
        ReadOnlySpan<byte> reply = TextReplies.Error;
        if (subcommand.SequenceEqual("tune"u8) && tokens.Count >= 6)
        {
            if (TextNumber.TryParseUInt32(tokens[2].Of(line), out uint hotPct)
                && TextNumber.TryParseUInt32(tokens[3].Of(line), out uint warmPct)
                && TextNumber.TryParseDouble(tokens[4].Of(line), out double hotFactor)
                && TextNumber.TryParseDouble(tokens[5].Of(line), out double warmFactor))
            {
                if (unchecked(hotPct + warmPct) > 80)
                {
                    reply = "ERROR hot and warm pcts must not exceed 80\r\n"u8;
                }
                else if (warmFactor <= 0 || hotFactor <= 0)
                {
                    reply = "ERROR hot/warm age factors must be greater than 0\r\n"u8;
                }
                else
                {
                    (settings.HotLruPct, settings.WarmLruPct, settings.HotMaxFactor, settings.WarmMaxFactor) = (hotPct, warmPct, hotFactor, warmFactor);
                    reply = TextReplies.Ok;
                }
            }
        }
        else if (subcommand.SequenceEqual("mode"u8) && tokens.Count >= 3)
        {
            ReadOnlySpan<byte> mode = tokens[2].Of(line);
            if (mode.SequenceEqual("flat"u8) || mode.SequenceEqual("segmented"u8))
            {
                settings.LruSegmented = mode[0] == 's';
                reply = TextReplies.Ok;
            }
        }
        else if (subcommand.SequenceEqual("temp_ttl"u8) && tokens.Count >= 3)
        {
            if (TextNumber.TryParseInt32(tokens[2].Of(line), out int ttl))
            {
                settings.TempLru = ttl >= 0;
                if (ttl >= 0)
                {
                    settings.TemporaryTtl = ttl;
                }
                reply = TextReplies.Ok;
            }
        }
        output.Reply(in request, reply);
    }

    /// <summary>
    /// Log streaming is not implemented, so watch answers as memcached does when watchers are disabled.
    /// </summary>
    public static void Watch(in TextRequest request, IBufferWriter<byte> output) =>
        output.Reply(in request, "CLIENT_ERROR watch commands not allowed\r\n"u8);

    /// <summary>
    /// memcached's refresh_certs: re-read the TLS files; OK, or memcached's error line (the old set stays). Without TLS
    /// it answers as memcached built with TLS but not serving it. noreply is ignored, as by memcached.
    /// </summary>
    public static void RefreshCerts(ServerContext context, IBufferWriter<byte> output)
    {
        if (context.Tls is null)
        {
            output.Write("Error TLS not enabled\r\n"u8);
            return;
        }
        if (context.Tls.Refresh(out string? error))
        {
            output.Write("OK\r\n"u8);
            return;
        }
        // memcached keeps one line: its message has no newline of its own.
        string line = error!.ReplaceLineEndings(" ");
        output.Write(System.Text.Encoding.UTF8.GetBytes(line + "\r\n"));
    }

    /// <summary>extstore's tunables are accepted and reported like memcached's (built with extstore, none configured).</summary>
    public static void Extstore(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        RuntimeSettings settings = context.Settings;
        ReadOnlySpan<byte> name = tokens[1].Of(line);
        ReadOnlySpan<byte> value = tokens[2].Of(line);
        bool ok = false;
        if (tokens.Count < 3)
        {
            ok = false;
        }
        else if (name.SequenceEqual("free_memchunks"u8) && tokens.Count > 3)
        {
            // Deprecated and ignored by memcached, but still validated.
            ok = TextNumber.TryParseUInt32(value, out uint classId) && TextNumber.TryParseUInt32(tokens[3].Of(line), out _) && classId < MaxSlabClasses;
        }
        else if (name.SequenceEqual("max_frag"u8))
        {
            ok = TextNumber.TryParseDouble(value, out double fragmentation);
            if (ok)
            {
                settings.ExtMaxFrag = fragmentation;
            }
        }
        else if (TextNumber.TryParseUInt32(value, out uint number))
        {
            ok = SetExtstoreNumber(settings, name, number);
        }
        output.Reply(in request, ok ? TextReplies.Ok : TextReplies.Error);
    }

    private static bool SetExtstoreNumber(RuntimeSettings settings, ReadOnlySpan<byte> name, uint number)
    {
        if (name.SequenceEqual("item_size"u8))
        {
            settings.ExtItemSize = number;
        }
        else if (name.SequenceEqual("item_age"u8))
        {
            settings.ExtItemAge = number;
        }
        else if (name.SequenceEqual("low_ttl"u8))
        {
            settings.ExtLowTtl = number;
        }
        else if (name.SequenceEqual("recache_rate"u8))
        {
            settings.ExtRecacheRate = number;
        }
        else if (name.SequenceEqual("compact_under"u8))
        {
            settings.ExtCompactUnder = number;
        }
        else if (name.SequenceEqual("drop_under"u8))
        {
            settings.ExtDropUnder = number;
        }
        else if (name.SequenceEqual("max_sleep"u8))
        {
            settings.ExtMaxSleep = number;
        }
        else if (name.SequenceEqual("drop_unread"u8))
        {
            settings.ExtDropUnread = number != 0;
        }
        else
        {
            return false;
        }
        return true;
    }
}

namespace Trove.Protocol.Text;

/// <summary>
/// Turns one command line into a <see cref="TextRequest"/>, following memcached 1.6's process_command_ascii:
/// the same command lookup (by first letter, then exact match), the same token-count checks (answered with
/// ERROR before "noreply" is looked at), and the same argument checks in the same order.
/// </summary>
public static class TextCommandParser
{
    /// <summary>
    /// The command text of a raw line (without its '\n'): a trailing '\r' is dropped when the line has more than one
    /// byte, and the text ends at the first NUL byte, because memcached tokenizes it as a C string.
    /// </summary>
    public static ReadOnlySpan<byte> CommandText(ReadOnlySpan<byte> rawLine)
    {
        if (rawLine.Length > 1 && rawLine[^1] == '\r')
        {
            rawLine = rawLine.Slice(0, rawLine.Length - 1);
        }
        int nul = rawLine.IndexOf((byte)0);
        return nul < 0 ? rawLine : rawLine.Slice(0, nul);
    }

    /// <summary>Parses <paramref name="line"/> (already reduced by <see cref="CommandText"/>).</summary>
    public static void Parse(ReadOnlySpan<byte> line, out TextRequest request)
    {
        request = default;
        TextTokens.Tokenize(line, 0, out request.Tokens);
        request.KeysStart = line.Length;
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (count == 0 || tokens[0].Length < 2)
        {
            Reject(ref request, TextError.Error);
            return;
        }

        ReadOnlySpan<byte> name = tokens[0].Of(line);
        switch (name[0])
        {
            case (byte)'m' when name.Length == 2:
                request.Command = IsMetaCommand(name[1]) ? MemcacheCommand.Meta : MemcacheCommand.Unknown;
                if (request.Command == MemcacheCommand.Unknown)
                {
                    request.Error = TextError.Error;
                }
                return;
            case (byte)'g':
                ParseRetrieval(line, ref request, RetrievalCommand(name));
                return;
            case (byte)'s':
                if (name.SequenceEqual("set"u8))
                {
                    ParseStorage(line, ref request, MemcacheCommand.Set);
                }
                else
                {
                    request.Command = Match(name, "stats"u8, MemcacheCommand.Stats, "shutdown"u8, MemcacheCommand.Shutdown, "slabs"u8, MemcacheCommand.Slabs);
                    RejectUnknown(ref request);
                }
                return;
            case (byte)'a':
                ParseStorage(line, ref request, Match(name, "add"u8, MemcacheCommand.Add, "append"u8, MemcacheCommand.Append));
                return;
            case (byte)'c':
                if (name.SequenceEqual("cas"u8))
                {
                    ParseStorage(line, ref request, MemcacheCommand.Cas);
                }
                else if (name.SequenceEqual("cache_memlimit"u8))
                {
                    ParseNumberCommand(line, ref request, MemcacheCommand.CacheMemlimit, TextError.Error);
                }
                else
                {
                    Reject(ref request, TextError.Error);
                }
                return;
            case (byte)'i':
                ParseArithmetic(line, ref request, Match(name, "incr"u8, MemcacheCommand.Incr));
                return;
            case (byte)'d':
                if (name.SequenceEqual("delete"u8))
                {
                    ParseDelete(line, ref request);
                }
                else
                {
                    ParseArithmetic(line, ref request, Match(name, "decr"u8, MemcacheCommand.Decr));
                }
                return;
            case (byte)'t':
                ParseTouch(line, ref request, Match(name, "touch"u8, MemcacheCommand.Touch));
                return;
        }
        ParseOther(line, ref request, name);
    }

    private static void ParseOther(ReadOnlySpan<byte> line, ref TextRequest request, ReadOnlySpan<byte> name)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        MemcacheCommand storage = Match(name, "replace"u8, MemcacheCommand.Replace, "prepend"u8, MemcacheCommand.Prepend);
        if (storage != MemcacheCommand.Unknown)
        {
            ParseStorage(line, ref request, storage);
            return;
        }
        if (name.SequenceEqual("bget"u8))
        {
            ParseRetrieval(line, ref request, MemcacheCommand.Bget);
            return;
        }
        if (name.SequenceEqual("flush_all"u8))
        {
            ParseFlushAll(line, ref request);
            return;
        }
        if (name.SequenceEqual("verbosity"u8))
        {
            ParseNumberCommand(line, ref request, MemcacheCommand.Verbosity, TextError.BadCommandLineFormat);
            return;
        }

        request.Command = Match(name, "version"u8, MemcacheCommand.Version, "quit"u8, MemcacheCommand.Quit, "lru_crawler"u8, MemcacheCommand.LruCrawler);
        if (request.Command == MemcacheCommand.Unknown)
        {
            request.Command = Match(name, "watch"u8, MemcacheCommand.Watch, "lru"u8, MemcacheCommand.Lru, "extstore"u8, MemcacheCommand.Extstore);
        }
        if (request.Command == MemcacheCommand.Unknown && name.SequenceEqual("refresh_certs"u8))
        {
            request.Command = MemcacheCommand.RefreshCerts;
        }

        switch (request.Command)
        {
            case MemcacheCommand.Lru or MemcacheCommand.Extstore when count < 2:
                Reject(ref request, TextError.Error);
                return;
            case MemcacheCommand.Lru or MemcacheCommand.Extstore or MemcacheCommand.Watch or MemcacheCommand.RefreshCerts:
                request.NoReply = IsNoReply(line, tokens[count - 1]);
                return;
            case MemcacheCommand.Unknown:
                // memcached hangs up on what looks like an HTTP request rather than answering it.
                if (tokens[count - 1].Of(line).StartsWith("HTTP/"u8))
                {
                    request.Command = MemcacheCommand.HttpRequest;
                }
                else
                {
                    request.Error = TextError.Error;
                }
                return;
        }
    }

    private static void ParseRetrieval(ReadOnlySpan<byte> line, ref TextRequest request, MemcacheCommand command)
    {
        ref TextTokens tokens = ref request.Tokens;
        if (tokens.Count < 2)
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = command;
        if (command == MemcacheCommand.Unknown)
        {
            request.Error = TextError.Error;
            return;
        }
        int firstKey = 1;
        if (command is MemcacheCommand.Gat or MemcacheCommand.Gats)
        {
            if (!TextNumber.TryParseInt32(tokens[1].Of(line), out request.Exptime))
            {
                request.Error = TextError.InvalidExptime;
                return;
            }
            firstKey = 2;
        }
        request.KeysStart = firstKey < tokens.Count ? tokens[firstKey].Start : line.Length;
    }

    private static void ParseStorage(ReadOnlySpan<byte> line, ref TextRequest request, MemcacheCommand command)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        int arguments = command == MemcacheCommand.Cas ? 6 : 5;
        if (command == MemcacheCommand.Unknown || (count != arguments && count != arguments + 1))
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = command;
        request.NoReply = IsNoReply(line, tokens[count - 1]);
        if (!TryTakeKey(ref request))
        {
            return;
        }
        if (!TextNumber.TryParseUInt32(tokens[2].Of(line), out request.Flags)
            || !TextNumber.TryParseInt32(tokens[3].Of(line), out request.Exptime)
            || !TextNumber.TryParseInt32(tokens[4].Of(line), out request.DataLength)
            || (command == MemcacheCommand.Cas && !TextNumber.TryParseUInt64(tokens[5].Of(line), out request.CasUnique))
            || request.DataLength < 0
            || request.DataLength > int.MaxValue - 2)
        {
            request.Error = TextError.BadCommandLineFormat;
        }
    }

    private static void ParseDelete(ReadOnlySpan<byte> line, ref TextRequest request)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (count < 2 || count > 4)
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = MemcacheCommand.Delete;
        if (count > 2)
        {
            // Legacy forms: "delete <key> 0", "delete <key> noreply" and "delete <key> 0 noreply".
            bool holdIsZero = tokens[2].Of(line).SequenceEqual("0"u8);
            request.NoReply = IsNoReply(line, tokens[count - 1]);
            bool valid = (count == 3 && (holdIsZero || request.NoReply)) || (count == 4 && holdIsZero && request.NoReply);
            if (!valid)
            {
                request.Error = TextError.DeleteUsage;
                return;
            }
        }
        TryTakeKey(ref request);
    }

    private static void ParseArithmetic(ReadOnlySpan<byte> line, ref TextRequest request, MemcacheCommand command)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (command == MemcacheCommand.Unknown || (count != 3 && count != 4))
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = command;
        request.NoReply = IsNoReply(line, tokens[count - 1]);
        if (TryTakeKey(ref request) && !TextNumber.TryParseUInt64(tokens[2].Of(line), out request.Delta))
        {
            request.Error = TextError.InvalidDelta;
        }
    }

    private static void ParseTouch(ReadOnlySpan<byte> line, ref TextRequest request, MemcacheCommand command)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (command == MemcacheCommand.Unknown || (count != 3 && count != 4))
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = command;
        request.NoReply = IsNoReply(line, tokens[count - 1]);
        if (TryTakeKey(ref request) && !TextNumber.TryParseInt32(tokens[2].Of(line), out request.Exptime))
        {
            request.Error = TextError.InvalidExptime;
        }
    }

    private static void ParseFlushAll(ReadOnlySpan<byte> line, ref TextRequest request)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (count > 3)
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = MemcacheCommand.FlushAll;
        request.NoReply = IsNoReply(line, tokens[count - 1]);
        // memcached reads a delay unless the line is exactly "flush_all" or "flush_all noreply".
        if (count != (request.NoReply ? 2 : 1))
        {
            request.HasDelay = true;
            if (!TextNumber.TryParseInt32(tokens[1].Of(line), out request.Exptime))
            {
                request.Error = TextError.InvalidExptime;
            }
        }
    }

    /// <summary>verbosity and cache_memlimit: one unsigned argument and an optional noreply.</summary>
    private static void ParseNumberCommand(ReadOnlySpan<byte> line, ref TextRequest request, MemcacheCommand command, TextError badNumber)
    {
        ref TextTokens tokens = ref request.Tokens;
        int count = tokens.Count;
        if (count != 2 && count != 3)
        {
            Reject(ref request, TextError.Error);
            return;
        }
        request.Command = command;
        request.NoReply = IsNoReply(line, tokens[count - 1]);
        if (!TextNumber.TryParseUInt32(tokens[1].Of(line), out request.Number))
        {
            request.Error = badNumber;
        }
    }

    private static bool TryTakeKey(ref TextRequest request)
    {
        request.Key = request.Tokens[1];
        if (request.Key.Length > TextRequest.MaxKeyLength)
        {
            request.Error = TextError.BadCommandLineFormat;
            return false;
        }
        return true;
    }

    /// <summary>memcached's set_noreply_maybe: the last token is exactly "noreply".</summary>
    private static bool IsNoReply(ReadOnlySpan<byte> line, TextToken last) => last.Of(line).SequenceEqual("noreply"u8);

    private static bool IsMetaCommand(byte second) => second is (byte)'g' or (byte)'s' or (byte)'d' or (byte)'n' or (byte)'a' or (byte)'e';

    private static MemcacheCommand RetrievalCommand(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("get"u8) ? MemcacheCommand.Get
        : name.SequenceEqual("gets"u8) ? MemcacheCommand.Gets
        : name.SequenceEqual("gat"u8) ? MemcacheCommand.Gat
        : name.SequenceEqual("gats"u8) ? MemcacheCommand.Gats
        : MemcacheCommand.Unknown;

    private static void Reject(ref TextRequest request, TextError error)
    {
        request.Command = MemcacheCommand.Unknown;
        request.Error = error;
    }

    private static void RejectUnknown(ref TextRequest request)
    {
        if (request.Command == MemcacheCommand.Unknown)
        {
            request.Error = TextError.Error;
        }
    }

    private static MemcacheCommand Match(ReadOnlySpan<byte> name, ReadOnlySpan<byte> a, MemcacheCommand commandA) =>
        name.SequenceEqual(a) ? commandA : MemcacheCommand.Unknown;

    private static MemcacheCommand Match(ReadOnlySpan<byte> name, ReadOnlySpan<byte> a, MemcacheCommand commandA, ReadOnlySpan<byte> b, MemcacheCommand commandB) =>
        name.SequenceEqual(a) ? commandA : name.SequenceEqual(b) ? commandB : MemcacheCommand.Unknown;

    private static MemcacheCommand Match(
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> a, MemcacheCommand commandA,
        ReadOnlySpan<byte> b, MemcacheCommand commandB,
        ReadOnlySpan<byte> c, MemcacheCommand commandC) =>
        name.SequenceEqual(a) ? commandA : name.SequenceEqual(b) ? commandB : name.SequenceEqual(c) ? commandC : MemcacheCommand.Unknown;
}

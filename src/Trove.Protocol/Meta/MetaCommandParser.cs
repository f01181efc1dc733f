namespace Trove.Protocol.Meta;

/// <summary>
/// Parses meta command lines exactly as memcached 1.6.18 does, including which error wins when a line has
/// several problems. Pure: no I/O, no allocation.
/// </summary>
public static class MetaCommandParser
{
    // memcached rejects a meta line of more than 20 tokens, counting its terminal pseudo-token.
    private const int MaxTokens = 19;

    /// <summary>
    /// Parses <paramref name="line"/> (the command line without its line terminator; it must start with one of the
    /// six meta command tokens). A base64 key is decoded into <paramref name="keyBuffer"/>, which should hold
    /// <see cref="MetaRequest.KeyBufferLengthFor"/>(<paramref name="maxKeyLength"/>) bytes. Check
    /// <see cref="MetaRequest.Error"/> before anything else. A key longer than <paramref name="maxKeyLength"/> (memcached's
    /// 250 unless store mode raised it; see <see cref="MetaRequest.MaxKeyTokenLength"/> for base64 keys) is refused
    /// as memcached refuses a key over 250 bytes: "bad command line format", nothing after the line read as data.
    /// </summary>
    public static MetaRequest Parse(ReadOnlySpan<byte> line, Span<byte> keyBuffer, int maxKeyLength = MetaRequest.MaxKeyLength)
    {
        MetaRequest request = ParseLine(line, keyBuffer, maxKeyLength);
        // Above memcached's limit a token may be longer than the key it carries (base64): judge the key itself,
        // with the reply and framing of memcached's own check. At 250 the token check below has already decided.
        if (request.Key.Length > maxKeyLength && request.Error != MetaParseError.Error)
        {
            request.Error = MetaParseError.BadCommandLineFormat;
            request.DataLength = -1;
        }
        return request;
    }

    private static MetaRequest ParseLine(ReadOnlySpan<byte> line, Span<byte> keyBuffer, int maxKeyLength)
    {
        // memcached treats the line as a C string: a NUL ends it.
        int nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul];
        }

        var request = new MetaRequest { DataLength = -1, Delta = 1 };
        var tokens = new MetaTokens(line);
        tokens.MoveNext();
        ReadOnlySpan<byte> command = tokens.Current;
        if (command.Length != 2 || command[0] != 'm' || !TryGetKind(command[1], out MetaCommandKind kind))
        {
            request.Error = MetaParseError.Error;
            return request;
        }
        request.Command = kind;
        if (kind == MetaCommandKind.NoOp)
        {
            return request;
        }

        int tokenCount = 1 + MetaTokens.Count(tokens.Remaining);
        if (!tokens.MoveNext())
        {
            request.Error = kind == MetaCommandKind.Debug ? MetaParseError.BadCommandLineFormat : MetaParseError.Error;
            return request;
        }
        ReadOnlySpan<byte> key = tokens.Current;
        request.Key = key;
        if (key.Length > MetaRequest.MaxKeyTokenLength(maxKeyLength))
        {
            request.Error = MetaParseError.BadCommandLineFormat;
            return request;
        }

        switch (kind)
        {
            case MetaCommandKind.Debug:
                ParseDebug(ref request, tokens, keyBuffer);
                break;
            case MetaCommandKind.Set:
                ParseSet(ref request, tokens, tokenCount, keyBuffer);
                break;
            default:
                ParseKeyCommand(ref request, tokens, tokenCount, keyBuffer);
                break;
        }
        return request;
    }

    private static bool TryGetKind(byte second, out MetaCommandKind kind)
    {
        kind = second switch
        {
            (byte)'g' => MetaCommandKind.Get,
            (byte)'s' => MetaCommandKind.Set,
            (byte)'d' => MetaCommandKind.Delete,
            (byte)'a' => MetaCommandKind.Arithmetic,
            (byte)'n' => MetaCommandKind.NoOp,
            (byte)'e' => MetaCommandKind.Debug,
            _ => (MetaCommandKind)255,
        };
        return kind != (MetaCommandKind)255;
    }

    // me takes no flags; only a third token of exactly "b" means a base64 key.
    private static void ParseDebug(ref MetaRequest request, MetaTokens tokens, Span<byte> keyBuffer)
    {
        if (!tokens.MoveNext() || tokens.Current is not [(byte)'b'])
        {
            return;
        }
        int decoded = MetaBase64.Decode(request.Key, keyBuffer);
        if (decoded == 0)
        {
            request.Error = MetaParseError.BadCommandLineFormat;
            return;
        }
        request.Key = keyBuffer[..decoded];
        request.Flags = MetaFlags.Base64Key;
    }

    // mg, md and ma: "<cmd> <key> <flags>*".
    private static void ParseKeyCommand(ref MetaRequest request, MetaTokens tokens, int tokenCount, Span<byte> keyBuffer)
    {
        MetaCommandKind kind = request.Command;
        if (tokenCount > MaxTokens)
        {
            request.Error = kind == MetaCommandKind.Get ? MetaParseError.OptionsFlagsAreTooLong : MetaParseError.OptionsFlagsTooLong;
            return;
        }
        request.FlagTokens = tokens.Remaining;
        MetaParseError error = MetaFlagParser.Parse(ref request, keyBuffer);
        if (error != MetaParseError.None)
        {
            // md and ma do not pass the specific reason on.
            request.Error = kind == MetaCommandKind.Get ? error : MetaParseError.InvalidOrDuplicateFlag;
            return;
        }
        if (kind == MetaCommandKind.Delete && request.OpaqueTooLong)
        {
            // md checks the opaque while building its reply, before looking the key up.
            request.Error = MetaParseError.OpaqueTokenTooLong;
        }
        else if (kind == MetaCommandKind.Arithmetic && request.Mode is not (0 or (byte)'I' or (byte)'+' or (byte)'D' or (byte)'-'))
        {
            request.Error = MetaParseError.InvalidArithmeticMode;
        }
    }

    // ms: "ms <key> <datalen> <flags>*". Errors found before the data length is known leave the data to be read
    // as commands (DataLength -1), as memcached does; later ones swallow it.
    private static void ParseSet(ref MetaRequest request, MetaTokens tokens, int tokenCount, Span<byte> keyBuffer)
    {
        if (tokenCount == 2)
        {
            request.Error = MetaParseError.BadCommandLineFormat;
            return;
        }
        if (tokenCount > MaxTokens)
        {
            request.Error = MetaParseError.OptionsFlagsTooLong;
            return;
        }
        tokens.MoveNext();
        if (!SafeNumber.TryParseInt32(tokens.Current, out int length) || length < 0 || length > int.MaxValue - 2)
        {
            request.Error = MetaParseError.BadCommandLineFormat;
            return;
        }
        request.DataLength = length;
        request.FlagTokens = tokens.Remaining;
        MetaParseError error = MetaFlagParser.Parse(ref request, keyBuffer);
        if (error != MetaParseError.None)
        {
            request.Error = error;
        }
        else if (request.Mode is not (0 or (byte)'E' or (byte)'A' or (byte)'P' or (byte)'R' or (byte)'S'))
        {
            request.Error = MetaParseError.InvalidSetMode;
        }
        else if (request.OpaqueTooLong)
        {
            request.Error = MetaParseError.OpaqueTokenTooLong;
        }
    }
}

namespace Trove.Protocol.Meta;

/// <summary>
/// memcached 1.6.18's _meta_flag_preparse: reads every flag token of a line into a <see cref="MetaRequest"/>.
/// A repeated flag (or a flag byte of 127 and above) and an unknown flag stop parsing at once. Other problems
/// (bad numbers, undecodable key, bad M length) are remembered and parsing goes on; the last such problem
/// reported is the one returned, and a bad F token alone reports "bad command line format".
/// </summary>
internal static class MetaFlagParser
{
    public static MetaParseError Parse(ref MetaRequest request, Span<byte> keyBuffer)
    {
        // One bit per flag byte below 127.
        ulong seenLow = 0;
        ulong seenHigh = 0;
        bool failed = false;
        MetaParseError error = MetaParseError.None;
        MetaFlags flags = MetaFlags.None;

        foreach (ReadOnlySpan<byte> token in new MetaTokens(request.FlagTokens))
        {
            byte flag = token[0];
            if (flag >= 127 || !MarkSeen(flag, ref seenLow, ref seenHigh))
            {
                return MetaParseError.DuplicateFlag;
            }
            ReadOnlySpan<byte> argument = token[1..];
            MetaFlags bit = FlagBit(flag);
            if (bit == MetaFlags.None)
            {
                return MetaParseError.InvalidFlag;
            }
            flags |= bit;
            switch (flag)
            {
                case (byte)'b':
                    int decoded = MetaBase64.Decode(request.Key, keyBuffer);
                    request.Key = keyBuffer[..decoded];
                    if (decoded == 0)
                    {
                        Fail(ref failed, ref error, MetaParseError.ErrorDecodingKey);
                    }
                    break;
                case (byte)'N':
                    if (SafeNumber.TryParseInt32(argument, out int vivifyTtl))
                    {
                        request.VivifyTtl = vivifyTtl;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.BadTokenInCommandLineFormat);
                    }
                    break;
                case (byte)'T':
                    if (SafeNumber.TryParseInt32(argument, out int ttl))
                    {
                        request.Ttl = ttl;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.BadTokenInCommandLineFormat);
                    }
                    break;
                case (byte)'R':
                    if (SafeNumber.TryParseInt32(argument, out int recacheTtl))
                    {
                        request.RecacheTtl = recacheTtl;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.BadTokenInCommandLineFormat);
                    }
                    break;
                case (byte)'F':
                    if (SafeNumber.TryParseUInt32(argument, out uint clientFlags))
                    {
                        request.ClientFlags = clientFlags;
                    }
                    else
                    {
                        // memcached flags the error without naming it.
                        failed = true;
                    }
                    break;
                case (byte)'C':
                    if (SafeNumber.TryParseUInt64(argument, out ulong compareCas))
                    {
                        request.CompareCas = compareCas;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.BadTokenInCommandLineFormat);
                    }
                    break;
                case (byte)'M':
                    if (token.Length == 2)
                    {
                        request.Mode = token[1];
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.IncorrectLengthForModeToken);
                    }
                    break;
                case (byte)'J':
                    if (SafeNumber.TryParseUInt64(argument, out ulong initial))
                    {
                        request.Initial = initial;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.InvalidNumericInitialValue);
                    }
                    break;
                case (byte)'D':
                    if (SafeNumber.TryParseUInt64(argument, out ulong delta))
                    {
                        request.Delta = delta;
                    }
                    else
                    {
                        Fail(ref failed, ref error, MetaParseError.InvalidNumericDeltaValue);
                    }
                    break;
                case (byte)'O':
                    request.OpaqueTooLong = token.Length > MetaRequest.MaxOpaqueTokenLength;
                    break;
            }
        }

        request.Flags = flags;
        if (!failed)
        {
            return MetaParseError.None;
        }
        return error == MetaParseError.None ? MetaParseError.BadCommandLineFormat : error;
    }

    private static void Fail(ref bool failed, ref MetaParseError error, MetaParseError reason)
    {
        failed = true;
        error = reason;
    }

    private static bool MarkSeen(byte flag, ref ulong low, ref ulong high)
    {
        ref ulong word = ref flag < 64 ? ref low : ref high;
        ulong bit = 1UL << (flag & 63);
        if ((word & bit) != 0)
        {
            return false;
        }
        word |= bit;
        return true;
    }

    private static MetaFlags FlagBit(byte flag) => flag switch
    {
        (byte)'b' => MetaFlags.Base64Key,
        (byte)'c' => MetaFlags.ReturnCas,
        (byte)'f' => MetaFlags.ReturnFlags,
        (byte)'h' => MetaFlags.ReturnHit,
        (byte)'k' => MetaFlags.ReturnKey,
        (byte)'l' => MetaFlags.ReturnLastAccess,
        (byte)'q' => MetaFlags.Quiet,
        (byte)'s' => MetaFlags.ReturnSize,
        (byte)'t' => MetaFlags.ReturnTtl,
        (byte)'u' => MetaFlags.NoBump,
        (byte)'v' => MetaFlags.ReturnValue,
        (byte)'I' => MetaFlags.Invalidate,
        (byte)'O' => MetaFlags.Opaque,
        (byte)'P' => MetaFlags.ProxyPath,
        (byte)'L' => MetaFlags.ProxyLabel,
        (byte)'N' => MetaFlags.Vivify,
        (byte)'R' => MetaFlags.Recache,
        (byte)'T' => MetaFlags.Ttl,
        (byte)'F' => MetaFlags.ClientFlags,
        (byte)'C' => MetaFlags.CompareCas,
        (byte)'M' => MetaFlags.Mode,
        (byte)'J' => MetaFlags.Initial,
        (byte)'D' => MetaFlags.Delta,
        _ => MetaFlags.None,
    };
}

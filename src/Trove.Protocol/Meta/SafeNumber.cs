namespace Trove.Protocol.Meta;

/// <summary>
/// Decimal numbers parsed exactly as memcached 1.6.18's safe_strtol / safe_strtoul / safe_strtoull parse a token:
/// C strtol rules (leading C whitespace skipped, optional sign, at least one digit, overflow of the C type rejected),
/// then the text after the digits must be empty or start with C whitespace. The quirks are deliberate, for
/// byte-for-byte compatibility: safe_strtol truncates to 32 bits, safe_strtoul truncates to 32 bits and accepts
/// "-0", and a minus sign is rejected only when the wrapped result would be negative as a signed number.
/// </summary>
public static class SafeNumber
{
    /// <summary>safe_strtol: a C long (64 bits) that is then truncated to 32 bits.</summary>
    public static bool TryParseInt32(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (!TryScan(text, out bool negative, out ulong magnitude))
        {
            return false;
        }
        // strtol reports ERANGE outside [long.MinValue, long.MaxValue].
        if (negative ? magnitude > 1UL << 63 : magnitude > long.MaxValue)
        {
            return false;
        }
        long result = negative ? unchecked(-(long)magnitude) : (long)magnitude;
        value = unchecked((int)result);
        return true;
    }

    /// <summary>safe_strtoul: a C unsigned long (64 bits) that is then truncated to 32 bits.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> text, out uint value)
    {
        bool ok = TryParseUInt64(text, out ulong wide);
        value = unchecked((uint)wide);
        return ok;
    }

    /// <summary>safe_strtoull: a C unsigned long long; "-N" wraps as strtoull does and is rejected only when the
    /// wrapped value is negative as a signed number.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (!TryScan(text, out bool negative, out ulong magnitude))
        {
            return false;
        }
        ulong result = negative ? unchecked(0UL - magnitude) : magnitude;
        if ((long)result < 0 && text.Contains((byte)'-'))
        {
            return false;
        }
        value = result;
        return true;
    }

    /// <summary>Whether <paramref name="b"/> is whitespace for C's isspace in the "C" locale.</summary>
    public static bool IsCSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r');

    // Shared strtoul-style scan. Fails when there is no digit, when the magnitude overflows 64 bits (ERANGE),
    // or when the digits are followed by something other than the end of the token or C whitespace.
    private static bool TryScan(ReadOnlySpan<byte> text, out bool negative, out ulong magnitude)
    {
        negative = false;
        magnitude = 0;
        int i = 0;
        while (i < text.Length && IsCSpace(text[i]))
        {
            i++;
        }
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }
        int firstDigit = i;
        bool overflow = false;
        while (i < text.Length && (uint)(text[i] - '0') <= 9)
        {
            uint digit = (uint)(text[i] - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10)
            {
                overflow = true;
            }
            magnitude = unchecked(magnitude * 10 + digit);
            i++;
        }
        if (i == firstDigit || overflow)
        {
            return false;
        }
        return i == text.Length || IsCSpace(text[i]);
    }
}

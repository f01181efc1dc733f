using System.Globalization;

namespace Trove.Protocol.Text;

/// <summary>
/// Number parsing that accepts and rejects exactly what memcached's safe_strto* helpers (util.c) do on 64-bit
/// Linux, so edge cases answer the same: leading C whitespace and a sign are allowed, the number may be followed
/// by whitespace (e.g. the '\r' of "\r\r\n") but nothing else, out-of-range input is rejected, and results are
/// truncated to the width of the target field the way memcached's casts truncate them.
/// </summary>
public static class TextNumber
{
    /// <summary>safe_strtoul: a 64-bit strtoul truncated to 32 bits; negative input is rejected only when it wraps to a value with the top bit set.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> token, out uint value)
    {
        bool ok = TryParseUInt64(token, out ulong wide);
        value = (uint)wide;
        return ok;
    }

    /// <summary>safe_strtoull: strtoull, rejecting a '-' only when the wrapped result has the top bit set.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> token, out ulong value)
    {
        value = 0;
        if (!TryScanUnsigned(token, out ulong parsed, out int end) || !EndsCleanly(token, end))
        {
            return false;
        }
        if ((long)parsed < 0 && token.Contains((byte)'-'))
        {
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>safe_strtol: a 64-bit strtol whose result memcached stores in an int32 (silently truncated).</summary>
    public static bool TryParseInt32(ReadOnlySpan<byte> token, out int value)
    {
        bool ok = TryParseInt64(token, out long wide);
        value = (int)wide;
        return ok;
    }

    /// <summary>safe_strtoll: strtoll with memcached's end-of-token rule.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        int position = SkipSpaces(token);
        bool negative = TryReadSign(token, ref position);
        if (!TryReadMagnitude(token, ref position, out ulong magnitude) || !EndsCleanly(token, position))
        {
            return false;
        }
        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (magnitude > limit)
        {
            return false; // ERANGE
        }
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>safe_strtod: a decimal floating-point number (optionally "inf" or "nan") with memcached's end-of-token rule.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        int start = SkipSpaces(token);
        int position = start;
        if (position < token.Length && (token[position] == '+' || token[position] == '-'))
        {
            position++;
        }
        int digits = 0;
        while (position < token.Length && IsDigit(token[position]))
        {
            position++;
            digits++;
        }
        if (position < token.Length && token[position] == '.')
        {
            position++;
            while (position < token.Length && IsDigit(token[position]))
            {
                position++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return TryParseSpecial(token, start, out value);
        }
        if (position < token.Length && (token[position] | 0x20) == 'e')
        {
            int exponent = position + 1;
            if (exponent < token.Length && (token[exponent] == '+' || token[exponent] == '-'))
            {
                exponent++;
            }
            if (exponent < token.Length && IsDigit(token[exponent]))
            {
                while (exponent < token.Length && IsDigit(token[exponent]))
                {
                    exponent++;
                }
                position = exponent;
            }
        }
        if (!EndsCleanly(token, position))
        {
            return false;
        }
        Span<char> text = stackalloc char[Math.Min(position - start, 512)];
        if (position - start > text.Length)
        {
            return false;
        }
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = (char)token[start + i];
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsInfinity(value))
        {
            value = 0;
            return false; // ERANGE
        }
        return true;
    }

    /// <summary>C isspace in the "C" locale.</summary>
    public static bool IsCSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r');

    private static bool TryParseSpecial(ReadOnlySpan<byte> token, int start, out double value)
    {
        value = 0;
        int position = start;
        bool negative = position < token.Length && token[position] == '-';
        if (position < token.Length && (token[position] == '+' || token[position] == '-'))
        {
            position++;
        }
        ReadOnlySpan<byte> rest = token.Slice(position);
        int length;
        if (StartsWithIgnoreCase(rest, "infinity"u8))
        {
            length = 8;
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        }
        else if (StartsWithIgnoreCase(rest, "inf"u8))
        {
            length = 3;
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        }
        else if (StartsWithIgnoreCase(rest, "nan"u8))
        {
            length = 3;
            value = double.NaN;
        }
        else
        {
            return false;
        }
        if (!EndsCleanly(token, position + length))
        {
            value = 0;
            return false;
        }
        return true;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerPrefix)
    {
        if (text.Length < lowerPrefix.Length)
        {
            return false;
        }
        for (int i = 0; i < lowerPrefix.Length; i++)
        {
            if ((text[i] | 0x20) != lowerPrefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>strtoul/strtoull on 64 bits: the wrapped value of an optionally negated magnitude; false on no digits or overflow.</summary>
    private static bool TryScanUnsigned(ReadOnlySpan<byte> token, out ulong value, out int end)
    {
        value = 0;
        end = SkipSpaces(token);
        bool negative = TryReadSign(token, ref end);
        if (!TryReadMagnitude(token, ref end, out ulong magnitude))
        {
            return false;
        }
        value = negative ? 0 - magnitude : magnitude;
        return true;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> token)
    {
        int position = 0;
        while (position < token.Length && IsCSpace(token[position]))
        {
            position++;
        }
        return position;
    }

    private static bool TryReadSign(ReadOnlySpan<byte> token, ref int position)
    {
        if (position < token.Length && (token[position] == '+' || token[position] == '-'))
        {
            return token[position++] == '-';
        }
        return false;
    }

    /// <summary>Reads decimal digits; false when there are none or the value overflows 64 bits (ERANGE).</summary>
    private static bool TryReadMagnitude(ReadOnlySpan<byte> token, ref int position, out ulong magnitude)
    {
        magnitude = 0;
        int first = position;
        bool overflow = false;
        while (position < token.Length && IsDigit(token[position]))
        {
            ulong digit = (ulong)(token[position] - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10)
            {
                overflow = true;
            }
            else
            {
                magnitude = magnitude * 10 + digit;
            }
            position++;
        }
        return position > first && !overflow;
    }

    /// <summary>After the number only whitespace or the end of the token may follow.</summary>
    private static bool EndsCleanly(ReadOnlySpan<byte> token, int end) => end == token.Length || IsCSpace(token[end]);

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}

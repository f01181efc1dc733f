namespace Trove.Storage;

/// <summary>Reads and writes the decimal numbers incr/decr work on, exactly as memcached does.</summary>
internal static class NumericValue
{
    /// <summary>Longest decimal form of a 64-bit unsigned number.</summary>
    public const int MaxDigits = 20;

    /// <summary>
    /// memcached's safe_strtoull applied to an item's data: C strtoull (leading white space, an optional sign,
    /// decimal digits, failure on overflow), then the next byte must be white space or NUL; the end of the value
    /// counts as white space because memcached stores "\r\n" after it. A negative result is rejected when a '-' was read.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && IsSpace(text[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }

        int digitsStart = i;
        ulong result = 0;
        bool overflow = false;
        while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9')
        {
            ulong digit = (ulong)(text[i] - (byte)'0');
            if (result > (ulong.MaxValue - digit) / 10)
            {
                overflow = true;
            }

            result = unchecked((result * 10) + digit);
            i++;
        }

        if (i == digitsStart || overflow)
        {
            return false;
        }

        if (i < text.Length && !IsSpace(text[i]) && text[i] != 0)
        {
            return false;
        }

        if (negative)
        {
            result = unchecked(0 - result);
            if ((long)result < 0)
            {
                return false;
            }
        }

        value = result;
        return true;
    }

    /// <summary>Writes the decimal digits of <paramref name="value"/>; returns how many.</summary>
    public static int Format(ulong value, Span<byte> destination)
    {
        value.TryFormat(destination, out int written);
        return written;
    }

    private static bool IsSpace(byte c) => c == (byte)' ' || (c >= (byte)'\t' && c <= (byte)'\r');
}

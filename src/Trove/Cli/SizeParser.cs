using System.Globalization;

namespace Trove.Cli;

/// <summary>Reads sizes as memcached does: a number with an optional k, m or g suffix (powers of 1024).</summary>
internal static class SizeParser
{
    /// <summary>Parses <paramref name="text"/>; a number without suffix is multiplied by <paramref name="unit"/>.</summary>
    public static bool TryParse(string text, long unit, out long bytes)
    {
        bytes = 0;
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }

        long multiplier = char.ToLowerInvariant(trimmed[^1]) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            _ => 0,
        };
        string digits = multiplier == 0 ? trimmed : trimmed[..^1];
        if (multiplier == 0)
        {
            multiplier = unit;
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = value * multiplier;
        return true;
    }
}

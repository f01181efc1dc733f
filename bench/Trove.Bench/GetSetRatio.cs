using System.Globalization;

namespace Trove.Bench;

/// <summary>Parses the get:set mix given to --ratio, such as "9:1" or "1:0".</summary>
internal static class GetSetRatio
{
    public static bool TryParse(string text, out int getWeight, out int setWeight)
    {
        getWeight = setWeight = 0;
        var colon = text.IndexOf(':');
        return colon > 0
            && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out getWeight)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out setWeight)
            && getWeight + (long)setWeight is > 0 and <= int.MaxValue;
    }
}

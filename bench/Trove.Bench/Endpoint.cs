using System.Globalization;

namespace Trove.Bench;

/// <summary>Parses "host:port" and "[ipv6]:port" as given to --server.</summary>
internal static class Endpoint
{
    public static bool TryParse(string text, out (string Host, int Port) endpoint, out string error)
    {
        endpoint = default;
        error = "";
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not host:port";
            return false;
        }
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = $"'{text}': write an IPv6 address as [address]:port";
            return false;
        }
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            error = $"'{text}' has no port in 1..65535";
            return false;
        }
        if (host.Length == 0)
        {
            error = $"'{text}' has no host";
            return false;
        }
        endpoint = (host, port);
        return true;
    }
}

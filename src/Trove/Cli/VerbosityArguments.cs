using System.Globalization;

namespace Trove.Cli;

/// <summary>
/// Rewrites memcached's stacked verbosity flags (-v, -vv, -vvv) and a bare --verbose into "--verbose N",
/// which the option parser understands.
/// </summary>
internal static class VerbosityArguments
{
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count + 2);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.Length >= 2 && arg[0] == '-' && arg[1] == 'v' && arg.AsSpan(1).TrimStart('v').IsEmpty)
            {
                result.Add("--verbose");
                result.Add((arg.Length - 1).ToString(CultureInfo.InvariantCulture));
            }
            else if (arg == "--verbose" && (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                result.Add("--verbose");
                result.Add("1");
            }
            else
            {
                result.Add(arg);
            }
        }
        return result.ToArray();
    }
}

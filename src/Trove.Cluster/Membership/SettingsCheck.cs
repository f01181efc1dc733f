namespace Trove.Cluster.Membership;

/// <summary>
/// Compares two <see cref="ClusterOptions.Compatibility"/> fingerprints ("partitions=1024 replicas=2") and says, in
/// words for a log line, which settings differ. A key only one side has counts as a difference ("unset" on the other),
/// so a node of a version that adds a setting is refused by older ones rather than silently accepted.
/// </summary>
internal static class SettingsCheck
{
    /// <summary>
    /// Null when the fingerprints are equal; otherwise every differing setting, e.g.
    /// "replicas differ (this node 3, cluster 2)", with <paramref name="firstLabel"/> naming whose value comes first.
    /// </summary>
    public static string? Describe(string first, string second, string firstLabel, string secondLabel)
    {
        if (first == second)
            return null;
        Dictionary<string, string> a = Parse(first), b = Parse(second);
        var differences = new List<string>();
        foreach (string key in a.Keys.Concat(b.Keys.Where(k => !a.ContainsKey(k))))
        {
            string valueA = a.GetValueOrDefault(key, "unset"), valueB = b.GetValueOrDefault(key, "unset");
            if (valueA != valueB)
                differences.Add($"{key} differ ({firstLabel} {valueA}, {secondLabel} {valueB})");
        }
        // Equal pairs spelled differently (order, spacing) still count as a mismatch, but say what was compared.
        return differences.Count > 0 ? string.Join("; ", differences) : $"settings differ ({firstLabel} '{first}', {secondLabel} '{second}')";
    }

    /// <summary>Cuts <paramref name="text"/> to at most 255 UTF-8 bytes, the wire's string limit, on a character boundary.</summary>
    public static string Fit(string text)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(text) > 255)
            text = text[..^1];
        return text;
    }

    private static Dictionary<string, string> Parse(string fingerprint)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in fingerprint.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=');
            string key = equals < 0 ? part : part[..equals];
            pairs.TryAdd(key, equals < 0 ? "" : part[(equals + 1)..]);
        }
        return pairs;
    }
}

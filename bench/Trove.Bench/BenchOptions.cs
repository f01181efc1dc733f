namespace Trove.Bench;

/// <summary>Settings of one load-generator run (the options of <c>trove bench</c>).</summary>
public sealed record BenchOptions
{
    /// <summary>Longest key memcached accepts.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>Server to load, as host:port (IPv6 as [addr]:port). <remarks>Defaults to 127.0.0.1:11211.</remarks></summary>
    public string Server { get; init; } = "127.0.0.1:11211";

    /// <summary>Open connections, each with one request batch in flight. <remarks>Defaults to 50.</remarks></summary>
    public int Connections { get; init; } = 50;

    /// <summary>Requests sent back-to-back per connection before reading the replies. <remarks>Defaults to 1.</remarks></summary>
    public int Pipeline { get; init; } = 1;

    /// <summary>Relative weight of get requests. <remarks>Defaults to 9 (of get:set 9:1).</remarks></summary>
    public int GetWeight { get; init; } = 9;

    /// <summary>Relative weight of set requests. <remarks>Defaults to 1 (of get:set 9:1).</remarks></summary>
    public int SetWeight { get; init; } = 1;

    /// <summary>Size of the key space. <remarks>Defaults to 100000.</remarks></summary>
    public int Keys { get; init; } = 100_000;

    /// <summary>Bytes of every stored value. <remarks>Defaults to 32.</remarks></summary>
    public int ValueSize { get; init; } = 32;

    /// <summary>Seconds measured; with <see cref="Requests"/>, the most seconds the whole run may take. <remarks>Defaults to 10.</remarks></summary>
    public double DurationSeconds { get; init; } = 10;

    /// <summary>Seconds of load before measuring starts (unused with <see cref="Requests"/>). <remarks>Defaults to 2.</remarks></summary>
    public double WarmupSeconds { get; init; } = 2;

    /// <summary>
    /// Measure this many requests instead of a time span, split evenly over the connections and rounded
    /// up to whole batches; null measures for <see cref="DurationSeconds"/>. <remarks>Defaults to null.</remarks>
    /// </summary>
    public long? Requests { get; init; }

    /// <summary>With <see cref="Requests"/>: requests sent, split the same way, before measuring starts. <remarks>Defaults to 0.</remarks></summary>
    public long WarmupRequests { get; init; }

    /// <summary>Prefix of every key; the key index follows, zero-padded. <remarks>Defaults to "bench:".</remarks></summary>
    public string KeyPrefix { get; init; } = "bench:";

    /// <summary>
    /// Keys to use instead of the generated key space (<c>--keys-file</c>: one per line); key index i is
    /// <c>KeyList[i]</c> and <see cref="Keys"/> must equal its count. <remarks>Defaults to null.</remarks>
    /// </summary>
    public IReadOnlyList<string>? KeyList { get; init; }

    /// <summary>Set every key once before the run. <remarks>Defaults to false.</remarks></summary>
    public bool Load { get; init; }

    /// <summary>Set every key once, then exit without a timed run. <remarks>Defaults to false.</remarks></summary>
    public bool LoadOnly { get; init; }

    /// <summary>Most seconds the load phase may take before the run fails. <remarks>Defaults to 300.</remarks></summary>
    public double LoadTimeoutSeconds { get; init; } = 300;

    /// <summary>Seed of every random choice; the same seed gives the same request sequence per connection. <remarks>Defaults to 1.</remarks></summary>
    public long Seed { get; init; } = 1;

    /// <summary>Zipf exponent of key popularity; null picks keys uniformly. <remarks>Defaults to null.</remarks></summary>
    public double? Zipf { get; init; }

    /// <summary>After a get misses, set that key (a cache-aside client), as the hit-ratio scenario needs. <remarks>Defaults to false.</remarks></summary>
    public bool FillOnMiss { get; init; }

    /// <summary>Also print one JSON line with every figure. <remarks>Defaults to false.</remarks></summary>
    public bool Json { get; init; }

    /// <summary>Every problem with these settings, as messages; empty when the run can start.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Endpoint.TryParse(Server, out _, out var serverError))
        {
            errors.Add($"--server: {serverError}");
        }
        Check(errors, Connections is >= 1 and <= 10_000, "--connections must be 1..10000");
        Check(errors, Pipeline is >= 1 and <= 1024, "--pipeline must be 1..1024");
        Check(errors, GetWeight >= 0 && SetWeight >= 0 && GetWeight + SetWeight > 0,
            "--ratio needs non-negative weights that are not both 0");
        Check(errors, Keys >= 1, "--keys must be at least 1");
        Check(errors, ValueSize is >= 0 and <= 1_000_000, "--value-size must be 0..1000000");
        Check(errors, double.IsFinite(DurationSeconds) && (LoadOnly ? DurationSeconds >= 0 : DurationSeconds > 0),
            "--duration must be above 0");
        Check(errors, double.IsFinite(WarmupSeconds) && WarmupSeconds >= 0, "--warmup must be 0 or more");
        Check(errors, Requests is null or >= 1, "--requests must be at least 1");
        Check(errors, WarmupRequests >= 0, "--warmup-requests must be 0 or more");
        Check(errors, WarmupRequests == 0 || Requests is not null, "--warmup-requests needs --requests");
        Check(errors, double.IsFinite(LoadTimeoutSeconds) && LoadTimeoutSeconds > 0, "--load-timeout must be above 0");
        Check(errors, Zipf is null || (double.IsFinite(Zipf.Value) && Zipf.Value > 0), "--zipf must be above 0");
        Check(errors, !FillOnMiss || GetWeight > 0, "--fill-on-miss needs gets in --ratio");
        CheckPrefix(errors);
        return errors;
    }

    private void CheckPrefix(List<string> errors)
    {
        if (KeyList is not null)
        {
            CheckKeyList(errors, KeyList);
            Check(errors, Keys == KeyList.Count, "--keys must equal the number of keys in --keys-file");
            return;
        }
        foreach (var c in KeyPrefix)
        {
            if (c <= ' ' || c >= 0x7f)
            {
                errors.Add("--key-prefix must be printable ASCII without spaces");
                return;
            }
        }
        var keyLength = KeyPrefix.Length + Math.Max(Keys - 1, 0).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        Check(errors, keyLength <= MaxKeyLength, $"keys would be {keyLength} bytes; memcached allows {MaxKeyLength}");
    }

    private static void CheckKeyList(List<string> errors, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            errors.Add("--keys-file holds no keys");
            return;
        }
        foreach (var key in keys)
        {
            if (key.Length is 0 or > MaxKeyLength || key.Any(c => c <= ' ' || c >= 0x7f))
            {
                errors.Add($"--keys-file: '{key}' is not a memcached key (1..{MaxKeyLength} printable ASCII characters, no spaces)");
                return;
            }
        }
    }

    private static void Check(List<string> errors, bool ok, string message)
    {
        if (!ok)
        {
            errors.Add(message);
        }
    }
}

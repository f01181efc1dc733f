using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trove.Bench;

/// <summary>Prints a <see cref="BenchResult"/> for people (text) and for scripts (one JSON line).</summary>
internal static class BenchReport
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static void WriteText(BenchResult result, TextWriter output)
    {
        var o = result.Options;
        var keys = (o.Zipf is { } s ? $"zipf {F(s, 2)}" : "uniform") + (o.KeyList is null ? "" : ", from --keys-file");
        output.WriteLine(I($"server    {o.Server}: {o.Connections} connections, pipeline {o.Pipeline}, get:set {o.GetWeight}:{o.SetWeight}, {o.Keys} keys ({keys}), {o.ValueSize}-byte values, seed {o.Seed}{(o.FillOnMiss ? ", fill on miss" : "")}"));
        if (result.LoadedKeys > 0)
        {
            var rate = result.LoadSeconds > 0 ? result.LoadedKeys / result.LoadSeconds : 0;
            output.WriteLine(I($"load      {result.LoadedKeys} keys in {F(result.LoadSeconds, 2)} s ({F(rate, 0)} sets/s): {result.LoadStats.Stored} stored, {result.LoadStats.NotStored} not stored, {result.LoadStats.Errors} errors"));
            if (result.LoadStats.FirstError is { } loadError)
            {
                output.WriteLine($"          first error: {loadError}");
            }
        }
        if (!result.Measured)
        {
            return;
        }
        var st = result.Stats;
        var h = result.Latency;
        output.WriteLine(o.Requests is null
            ? I($"measured  {F(result.MeasuredSeconds, 2)} s after {F(o.WarmupSeconds, 2)} s warmup")
            : I($"measured  {st.Operations} requests in {F(result.MeasuredSeconds, 2)} s after {o.WarmupRequests} warmup requests (asked for {o.Requests})"));
        output.WriteLine(I($"ops/s     {F(result.OpsPerSecond, 0)}  ({st.Operations} ops: {st.Gets} gets, {st.Sets} sets)"));
        var ratio = result.HitRatio is { } r ? F(100 * r, 2) + "%" : "n/a (no gets)";
        output.WriteLine(I($"hit ratio {ratio}  ({st.Hits} hits, {st.Misses} misses)"));
        output.WriteLine(I($"errors    {st.Errors}  ({st.GetErrors} on gets, {st.SetErrors} on sets; {st.NotStored} sets not stored)"));
        if (st.FirstError is { } error)
        {
            output.WriteLine($"          first error: {error}");
        }
        output.WriteLine(I($"latency   p50 {Us(h.ValueAtPercentile(50))} us  p99 {Us(h.ValueAtPercentile(99))} us  p99.9 {Us(h.ValueAtPercentile(99.9))} us  max {Us(h.Max)} us"));
        output.WriteLine(I($"client    {F(result.ClientCpuPercent, 0)}% of one core, {result.ClientAllocatedBytes} bytes allocated while measuring"));
        if (o.Requests is not null)
        {
            output.WriteLine("          (counted run: client CPU and allocations include the warmup requests)");
        }
    }

    /// <summary>Writes one line of JSON; snake_case names; latencies in microseconds.</summary>
    public static void WriteJson(BenchResult result, TextWriter output)
    {
        var o = result.Options;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("mode", result.Measured ? "run" : "load-only");
            json.WriteString("server", o.Server);
            json.WriteNumber("connections", o.Connections);
            json.WriteNumber("pipeline", o.Pipeline);
            json.WriteNumber("get_weight", o.GetWeight);
            json.WriteNumber("set_weight", o.SetWeight);
            json.WriteNumber("keys", o.Keys);
            json.WriteNumber("value_size", o.ValueSize);
            json.WriteString("key_prefix", o.KeyPrefix);
            json.WriteBoolean("keys_from_file", o.KeyList is not null);
            json.WriteString("distribution", o.Zipf is null ? "uniform" : "zipf");
            WriteNullable(json, "zipf_s", o.Zipf);
            json.WriteBoolean("fill_on_miss", o.FillOnMiss);
            json.WriteNumber("seed", o.Seed);
            json.WriteNumber("loaded_keys", result.LoadedKeys);
            json.WriteNumber("load_s", Round(result.LoadSeconds, 3));
            json.WriteNumber("load_errors", result.LoadStats.Errors);
            if (result.Measured)
            {
                var st = result.Stats;
                var h = result.Latency;
                if (o.Requests is null)
                {
                    json.WriteNumber("warmup_s", o.WarmupSeconds);
                }
                else
                {
                    json.WriteNumber("warmup_requests", o.WarmupRequests);
                }
                json.WriteNumber("duration_s", Round(result.MeasuredSeconds, 3));
                json.WriteNumber("ops", st.Operations);
                json.WriteNumber("ops_per_sec", Round(result.OpsPerSecond, 1));
                json.WriteNumber("gets", st.Gets);
                json.WriteNumber("hits", st.Hits);
                json.WriteNumber("misses", st.Misses);
                WriteNullable(json, "hit_ratio", result.HitRatio is { } r ? Round(r, 6) : null);
                json.WriteNumber("sets", st.Sets);
                json.WriteNumber("stored", st.Stored);
                json.WriteNumber("not_stored", st.NotStored);
                json.WriteNumber("errors", st.Errors);
                json.WriteNumber("p50_us", Round(BenchResult.Microseconds(h.ValueAtPercentile(50)), 1));
                json.WriteNumber("p99_us", Round(BenchResult.Microseconds(h.ValueAtPercentile(99)), 1));
                json.WriteNumber("p999_us", Round(BenchResult.Microseconds(h.ValueAtPercentile(99.9)), 1));
                json.WriteNumber("max_us", Round(BenchResult.Microseconds(h.Max), 1));
                json.WriteNumber("client_cpu_pct", Round(result.ClientCpuPercent, 1));
                json.WriteNumber("client_alloc_bytes", result.ClientAllocatedBytes);
            }
            var firstError = result.Stats.FirstError ?? result.LoadStats.FirstError;
            if (firstError is not null)
            {
                json.WriteString("first_error", firstError);
            }
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(s_invariant), s_invariant);

    private static string Us(long nanoseconds) => F(BenchResult.Microseconds(nanoseconds), 1);

    private static string I(FormattableString text) => text.ToString(s_invariant);
}

using System.Text.Json;
using Trove.Bench;

namespace Trove.Bench.Tests;

/// <summary>Whole runs against a real memcached: short, and nothing here depends on how fast they go.</summary>
public sealed class BenchRunnerTests
{
    private static BenchOptions Short(string server, int keys) => new()
    {
        Server = server,
        Connections = 4,
        Pipeline = 4,
        Keys = keys,
        WarmupSeconds = 0.1,
        DurationSeconds = 0.3,
        Json = true,
    };

    [Fact]
    public async Task A_loaded_key_space_is_hit_on_every_get()
    {
        using var memcached = MemcachedProcess.Start();

        var (code, json, text) = await RunAsync(Short(memcached.Server, 2000) with { Load = true });

        Assert.Equal(0, code);
        Assert.Equal(2000, json.GetProperty("loaded_keys").GetInt64());
        Assert.True(json.GetProperty("gets").GetInt64() > 0, text);
        Assert.True(json.GetProperty("sets").GetInt64() > 0, text);
        Assert.Equal(json.GetProperty("gets").GetInt64(), json.GetProperty("hits").GetInt64());
        Assert.Equal(json.GetProperty("sets").GetInt64(), json.GetProperty("stored").GetInt64());
        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.Equal(json.GetProperty("ops").GetInt64(), json.GetProperty("gets").GetInt64() + json.GetProperty("sets").GetInt64());
        Assert.True(json.GetProperty("p50_us").GetDouble() <= json.GetProperty("p99_us").GetDouble());
        Assert.True(json.GetProperty("p99_us").GetDouble() <= json.GetProperty("max_us").GetDouble());
        Assert.Contains("hit ratio 100.00%", text);
    }

    [Fact]
    public async Task Load_only_stores_every_key_once_and_measures_nothing()
    {
        using var memcached = MemcachedProcess.Start();

        var (code, json, _) = await RunAsync(Short(memcached.Server, 5000) with { LoadOnly = true, ValueSize = 100 });

        Assert.Equal(0, code);
        Assert.Equal("load-only", json.GetProperty("mode").GetString());
        Assert.False(json.TryGetProperty("ops", out _));
        Assert.Equal(5000, memcached.Stat("curr_items"));
        Assert.Equal(5000, memcached.Stat("cmd_set"));
        Assert.Equal(0, memcached.Stat("cmd_get"));
    }

    [Fact]
    public async Task Gets_on_an_empty_server_all_miss()
    {
        using var memcached = MemcachedProcess.Start();

        var (code, json, _) = await RunAsync(Short(memcached.Server, 100) with { GetWeight = 1, SetWeight = 0 });

        Assert.Equal(0, code);
        Assert.Equal(0, json.GetProperty("hits").GetInt64());
        Assert.True(json.GetProperty("misses").GetInt64() > 0);
        Assert.Equal(0, memcached.Stat("curr_items"));
    }

    [Fact]
    public async Task Fill_on_miss_alone_fills_the_cache()
    {
        using var memcached = MemcachedProcess.Start();

        var options = Short(memcached.Server, 50) with { GetWeight = 1, SetWeight = 0, FillOnMiss = true, Zipf = 1.0 };
        var (code, json, _) = await RunAsync(options);

        Assert.Equal(0, code);
        Assert.True(json.GetProperty("hits").GetInt64() > 0);
        Assert.InRange(memcached.Stat("curr_items"), 1, 50);
    }

    [Fact]
    public async Task A_counted_run_sends_the_requests_asked_for_rounded_up_to_whole_batches()
    {
        using var memcached = MemcachedProcess.Start();
        var options = Short(memcached.Server, 100) with
        {
            Connections = 4, Pipeline = 5, Requests = 1001, WarmupRequests = 40, DurationSeconds = 60,
        };

        var (code, json, text) = await RunAsync(options);

        Assert.Equal(0, code);
        Assert.Equal(1020, json.GetProperty("ops").GetInt64()); // 4 connections x 51 batches x 5
        Assert.Equal(40, json.GetProperty("warmup_requests").GetInt64());
        Assert.Equal(1060, memcached.Stat("cmd_get") + memcached.Stat("cmd_set"));
        Assert.Contains("1020 requests", text);
    }

    [Fact]
    public async Task Invalid_options_fail_before_connecting()
    {
        var output = new StringWriter();

        var code = await BenchRunner.RunAsync(new BenchOptions { Connections = 0 }, output, CancellationToken.None);

        Assert.Equal(BenchRunner.InvalidOptions, code);
        Assert.Contains("--connections", output.ToString());
    }

    private static async Task<(int Code, JsonElement Json, string Text)> RunAsync(BenchOptions options)
    {
        var output = new StringWriter();
        var code = await BenchRunner.RunAsync(options, output, CancellationToken.None);
        var text = output.ToString();
        var jsonLine = text.Split('\n').SingleOrDefault(line => line.StartsWith('{'));
        Assert.True(jsonLine is not null, text);
        return (code, JsonDocument.Parse(jsonLine).RootElement.Clone(), text);
    }
}

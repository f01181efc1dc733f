using Trove.Bench;

namespace Trove.Bench.Tests;

public sealed class OptionParsingTests
{
    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        var errors = BenchCli.Parse([], out var options);

        Assert.Empty(errors);
        Assert.Equal("127.0.0.1:11211", options.Server);
        Assert.Equal(50, options.Connections);
        Assert.Equal(1, options.Pipeline);
        Assert.Equal((9, 1), (options.GetWeight, options.SetWeight));
        Assert.Equal(100_000, options.Keys);
        Assert.Equal(32, options.ValueSize);
        Assert.Equal(10, options.DurationSeconds);
        Assert.Equal(2, options.WarmupSeconds);
        Assert.Equal("bench:", options.KeyPrefix);
        Assert.False(options.Load || options.LoadOnly || options.FillOnMiss || options.Json);
        Assert.Equal(1, options.Seed);
        Assert.Null(options.Zipf);
    }

    [Fact]
    public void Every_option_reaches_the_bench_options()
    {
        var errors = BenchCli.Parse(
            ["--server", "localhost:22122", "--connections", "8", "--pipeline", "16", "--ratio", "1:0",
             "--keys", "1000", "--value-size", "1024", "--duration", "1.5", "--warmup", "0", "--key-prefix", "x:",
             "--load", "--load-timeout", "9", "--seed", "42", "--zipf", "0.99", "--fill-on-miss", "--json"],
            out var options);

        Assert.Empty(errors);
        Assert.Equal("localhost:22122", options.Server);
        Assert.Equal(8, options.Connections);
        Assert.Equal(16, options.Pipeline);
        Assert.Equal((1, 0), (options.GetWeight, options.SetWeight));
        Assert.Equal(1000, options.Keys);
        Assert.Equal(1024, options.ValueSize);
        Assert.Equal(1.5, options.DurationSeconds);
        Assert.Equal(0, options.WarmupSeconds);
        Assert.Equal("x:", options.KeyPrefix);
        Assert.True(options.Load && options.FillOnMiss && options.Json);
        Assert.Equal(9, options.LoadTimeoutSeconds);
        Assert.Equal(42, options.Seed);
        Assert.Equal(0.99, options.Zipf);
    }

    [Theory]
    [InlineData("--ratio", "9")]
    [InlineData("--ratio", "0:0")]
    [InlineData("--ratio", "-1:2")]
    [InlineData("--server", "localhost")]
    [InlineData("--server", "::1:11211")]
    [InlineData("--server", "host:70000")]
    [InlineData("--connections", "0")]
    [InlineData("--pipeline", "0")]
    [InlineData("--keys", "0")]
    [InlineData("--value-size", "-1")]
    [InlineData("--duration", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--zipf", "0")]
    [InlineData("--key-prefix", "has space")]
    [InlineData("--connections", "many")]
    public void A_bad_value_is_reported(string option, string value)
    {
        var errors = BenchCli.Parse([option, value], out _);

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Requests_and_warmup_requests_reach_the_bench_options()
    {
        Assert.Empty(BenchCli.Parse(["--requests", "5000", "--warmup-requests", "100"], out var options));
        Assert.Equal(5000, options.Requests);
        Assert.Equal(100, options.WarmupRequests);
    }

    [Fact]
    public void Warmup_requests_without_requests_is_reported()
    {
        Assert.NotEmpty(BenchCli.Parse(["--warmup-requests", "100"], out _));
    }

    [Theory]
    [InlineData(1000, 4, 5, 50)]
    [InlineData(1001, 4, 5, 51)]
    [InlineData(1, 50, 16, 1)]
    [InlineData(0, 3, 1, 0)]
    public void Counted_requests_are_split_evenly_and_rounded_up_to_whole_batches(long requests, int connections, int pipeline, long batches)
    {
        Assert.Equal(batches, Measurement.BatchesPerConnection(requests, connections, pipeline));
    }

    [Fact]
    public void Load_only_needs_no_duration()
    {
        Assert.Empty(BenchCli.Parse(["--load-only", "--duration", "0"], out _));
    }

    [Fact]
    public void Fill_on_miss_without_gets_is_reported()
    {
        Assert.NotEmpty(BenchCli.Parse(["--fill-on-miss", "--ratio", "0:1"], out _));
    }

    [Fact]
    public void Keys_longer_than_memcached_allows_are_reported()
    {
        Assert.NotEmpty(new BenchOptions { KeyPrefix = new string('k', 248), Keys = 1000 }.Validate());
        Assert.Empty(new BenchOptions { KeyPrefix = new string('k', 247), Keys = 1000 }.Validate());
    }

    [Theory]
    [InlineData("127.0.0.1:11211", "127.0.0.1", 11211)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void Host_and_port_are_split(string text, string host, int port)
    {
        Assert.True(Endpoint.TryParse(text, out var endpoint, out _));
        Assert.Equal((host, port), endpoint);
    }

    [Theory]
    [InlineData("9:1", 9, 1)]
    [InlineData("1:0", 1, 0)]
    [InlineData("0:1", 0, 1)]
    [InlineData("30:70", 30, 70)]
    public void A_ratio_is_read_as_get_and_set_weights(string text, int gets, int sets)
    {
        Assert.True(GetSetRatio.TryParse(text, out var getWeight, out var setWeight));
        Assert.Equal((gets, sets), (getWeight, setWeight));
    }

    [Fact]
    public void A_keys_file_replaces_the_generated_key_space()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["alpha", "  beta ", "", "k:000123"]);

            var errors = BenchCli.Parse(["--keys-file", path, "--keys", "5"], out var options);

            Assert.Empty(errors);
            Assert.Equal(["alpha", "beta", "k:000123"], options.KeyList);
            Assert.Equal(3, options.Keys);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_or_unusable_keys_file_is_reported()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-keys-{Guid.NewGuid():N}");
        Assert.Contains(BenchCli.Parse(["--keys-file", missing], out _), e => e.StartsWith("--keys-file", StringComparison.Ordinal));

        var path = Path.GetTempFileName();
        try
        {
            Assert.Contains(BenchCli.Parse(["--keys-file", path], out _), e => e.Contains("no keys", StringComparison.Ordinal));
            File.WriteAllLines(path, [new string('k', 251)]);
            Assert.Contains(BenchCli.Parse(["--keys-file", path], out _), e => e.StartsWith("--keys-file", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Without_a_keys_file_there_is_no_key_list()
    {
        Assert.Empty(BenchCli.Parse([], out var options));
        Assert.Null(options.KeyList);
    }
}

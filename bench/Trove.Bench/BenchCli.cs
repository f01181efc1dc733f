using System.CommandLine;
using System.CommandLine.Parsing;

namespace Trove.Bench;

/// <summary>The <c>bench</c> command line: options of <see cref="BenchOptions"/>, run by <see cref="BenchRunner"/>.</summary>
public static class BenchCli
{
    /// <summary>Creates the <c>bench</c> command; its action runs the benchmark and returns the exit code.</summary>
    public static Command CreateCommand()
    {
        var options = new CliOptions();
        var command = new Command("bench", "Load a memcached text-protocol server; report throughput, get hit ratio and latency.");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }
        // Checked in the action, not in a command validator: validators run before option defaults
        // are applied (System.CommandLine 2.0.0), so they would see 0 for every option left out.
        command.SetAction((parseResult, ct) =>
        {
            var errors = options.Build(parseResult.CommandResult, out var benchOptions);
            if (errors.Count > 0)
            {
                var error = parseResult.InvocationConfiguration.Error;
                foreach (var message in errors)
                {
                    error.WriteLine($"error: {message}");
                }
                return Task.FromResult(BenchRunner.InvalidOptions);
            }
            // Before this process's first socket: the setting is read once.
            BenchRunner.PreferInlineSocketCompletions();
            return BenchRunner.RunAsync(benchOptions, parseResult.InvocationConfiguration.Output, ct);
        });
        return command;
    }

    /// <summary>
    /// Parses <paramref name="args"/> (without the command name) exactly as the command would,
    /// without running anything; returns every problem found.
    /// </summary>
    internal static IReadOnlyList<string> Parse(IReadOnlyList<string> args, out BenchOptions options)
    {
        var cliOptions = new CliOptions();
        var command = new Command("bench");
        foreach (var option in cliOptions.All)
        {
            command.Options.Add(option);
        }
        var parseResult = command.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            options = new BenchOptions();
            return parseResult.Errors.Select(e => e.Message).ToList();
        }
        return cliOptions.Build(parseResult.CommandResult, out options);
    }

    /// <summary>The keys of a --keys-file: one per line, surrounding whitespace and empty lines ignored.</summary>
    internal static List<string> ReadKeys(string path) =>
        [.. File.ReadLines(path).Select(line => line.Trim()).Where(line => line.Length > 0)];

    /// <summary>The options of one command instance, and how they become a <see cref="BenchOptions"/>.</summary>
    private sealed class CliOptions
    {
        private static readonly BenchOptions s_defaults = new();

        private readonly Option<string> _server = new("--server")
        {
            Description = "Server to load, host:port",
            HelpName = "host:port",
            DefaultValueFactory = _ => s_defaults.Server,
        };
        private readonly Option<int> _connections = new("--connections")
        {
            Description = "Connections, each with one batch in flight",
            DefaultValueFactory = _ => s_defaults.Connections,
        };
        private readonly Option<int> _pipeline = new("--pipeline")
        {
            Description = "Requests per batch, sent before reading replies",
            HelpName = "depth",
            DefaultValueFactory = _ => s_defaults.Pipeline,
        };
        private readonly Option<string> _ratio = new("--ratio")
        {
            Description = "Mix of gets to sets, get:set",
            HelpName = "get:set",
            DefaultValueFactory = _ => $"{s_defaults.GetWeight}:{s_defaults.SetWeight}",
        };
        private readonly Option<int> _keys = new("--keys")
        {
            Description = "Size of the key space",
            DefaultValueFactory = _ => s_defaults.Keys,
        };
        private readonly Option<int> _valueSize = new("--value-size")
        {
            Description = "Bytes per value",
            HelpName = "bytes",
            DefaultValueFactory = _ => s_defaults.ValueSize,
        };
        private readonly Option<double> _duration = new("--duration")
        {
            Description = "Seconds measured (with --requests: the most seconds the run may take)",
            HelpName = "seconds",
            DefaultValueFactory = _ => s_defaults.DurationSeconds,
        };
        private readonly Option<double> _warmup = new("--warmup")
        {
            Description = "Seconds of unmeasured load first",
            HelpName = "seconds",
            DefaultValueFactory = _ => s_defaults.WarmupSeconds,
        };
        private readonly Option<long?> _requests = new("--requests")
        {
            Description = "Measure this many requests (split over the connections) instead of --duration seconds",
            HelpName = "count",
        };
        private readonly Option<long> _warmupRequests = new("--warmup-requests")
        {
            Description = "With --requests: requests sent before measuring, instead of --warmup seconds",
            HelpName = "count",
        };
        private readonly Option<string> _keyPrefix = new("--key-prefix")
        {
            Description = "Prefix of every key (the zero-padded key number follows)",
            HelpName = "prefix",
            DefaultValueFactory = _ => s_defaults.KeyPrefix,
        };
        private readonly Option<string?> _keysFile = new("--keys-file")
        {
            Description = "Use the keys in this file (one per line) instead of --keys generated keys",
            HelpName = "file",
        };
        private readonly Option<bool> _load = new("--load") { Description = "Set every key once, then run" };
        private readonly Option<bool> _loadOnly = new("--load-only") { Description = "Set every key once, then exit" };
        private readonly Option<double> _loadTimeout = new("--load-timeout")
        {
            Description = "Fail if loading takes longer than this",
            HelpName = "seconds",
            DefaultValueFactory = _ => s_defaults.LoadTimeoutSeconds,
        };
        private readonly Option<long> _seed = new("--seed")
        {
            Description = "Seed of the request sequence",
            DefaultValueFactory = _ => s_defaults.Seed,
        };
        private readonly Option<double?> _zipf = new("--zipf")
        {
            Description = "Pick keys Zipf-distributed with this exponent instead of uniformly",
            HelpName = "s",
        };
        private readonly Option<bool> _fillOnMiss = new("--fill-on-miss")
        {
            Description = "Set each key whose get missed (cache-aside client; for hit-ratio runs)",
        };
        private readonly Option<bool> _json = new("--json") { Description = "Also print one JSON line with every figure" };

        public IEnumerable<Option> All =>
        [
            _server, _connections, _pipeline, _ratio, _keys, _valueSize, _duration, _warmup, _requests, _warmupRequests, _keyPrefix, _keysFile,
            _load, _loadOnly, _loadTimeout, _seed, _zipf, _fillOnMiss, _json,
        ];

        /// <summary>Reads the parsed values; returns every problem with them (empty when usable).</summary>
        public IReadOnlyList<string> Build(SymbolResult result, out BenchOptions options)
        {
            var ratio = result.GetValue(_ratio) ?? "";
            var ratioOk = GetSetRatio.TryParse(ratio, out var getWeight, out var setWeight);
            var keysFile = result.GetValue(_keysFile);
            string? keysFileError = null;
            IReadOnlyList<string>? keyList = null;
            if (keysFile is not null)
            {
                try
                {
                    keyList = ReadKeys(keysFile);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    keysFileError = $"--keys-file: cannot read '{keysFile}': {e.Message}";
                }
            }
            options = new BenchOptions
            {
                Server = result.GetValue(_server) ?? "",
                Connections = result.GetValue(_connections),
                Pipeline = result.GetValue(_pipeline),
                GetWeight = ratioOk ? getWeight : s_defaults.GetWeight,
                SetWeight = ratioOk ? setWeight : s_defaults.SetWeight,
                Keys = keyList?.Count ?? result.GetValue(_keys),
                KeyList = keyList,
                ValueSize = result.GetValue(_valueSize),
                DurationSeconds = result.GetValue(_duration),
                WarmupSeconds = result.GetValue(_warmup),
                Requests = result.GetValue(_requests),
                WarmupRequests = result.GetValue(_warmupRequests),
                KeyPrefix = result.GetValue(_keyPrefix) ?? "",
                Load = result.GetValue(_load),
                LoadOnly = result.GetValue(_loadOnly),
                LoadTimeoutSeconds = result.GetValue(_loadTimeout),
                Seed = result.GetValue(_seed),
                Zipf = result.GetValue(_zipf),
                FillOnMiss = result.GetValue(_fillOnMiss),
                Json = result.GetValue(_json),
            };
            var errors = new List<string>(options.Validate());
            if (keysFileError is not null)
            {
                errors.Insert(0, keysFileError);
            }
            if (!ratioOk)
            {
                errors.Insert(0, $"--ratio: '{ratio}' is not get:set, such as 9:1");
            }
            return errors;
        }
    }
}

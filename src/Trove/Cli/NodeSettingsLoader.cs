using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Trove.Server;
using Trove.Server.Cluster;
using Trove.Storage;

namespace Trove.Cli;

/// <summary>
/// Builds <see cref="NodeSettings"/> with standard .NET configuration. Later sources win:
/// defaults in the options classes, then the JSON file (--config, or trove.json in the working directory
/// when present), then environment variables prefixed TROVE_, then the command line.
/// </summary>
internal static class NodeSettingsLoader
{
    public const string DefaultConfigFile = "trove.json";

    /// <summary>Resolves settings; returns false with a message when a value is malformed or out of range.</summary>
    public static bool TryLoad(
        IReadOnlyDictionary<string, string?> commandLineValues,
        string? configFile,
        IDictionary<string, string?>? environmentOverride,
        out NodeSettings settings,
        out string error)
    {
        var builder = new ConfigurationBuilder();
        string file = configFile ?? Path.Combine(Directory.GetCurrentDirectory(), DefaultConfigFile);
        builder.AddJsonFile(Path.GetFullPath(file), optional: configFile is null, reloadOnChange: false);
        if (environmentOverride is null)
        {
            builder.AddEnvironmentVariables("TROVE_");
        }
        else
        {
            builder.AddInMemoryCollection(StripPrefix(environmentOverride));
        }
        builder.AddInMemoryCollection(commandLineValues);

        var server = new ServerOptions();
        var engine = new EngineOptions();
        var cluster = new ClusterNodeOptions();
        var store = new StoreOptions();
        settings = new NodeSettings(server, engine, cluster, store);
        try
        {
            IConfiguration config = builder.Build();
            config.GetSection("Server").Bind(server);
            config.GetSection("Engine").Bind(engine);
            config.GetSection("Cluster").Bind(cluster);
            config.GetSection("Store").Bind(store);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or FileNotFoundException or InvalidDataException)
        {
            error = ex.Message;
            return false;
        }

        error = Validate(server, engine) ?? store.Validate() ?? store.ValidateMaxKeyLength(engine.MaxKeyLength) ?? "";
        if (error.Length == 0 && !ClusterSetup.TryCreate(cluster, server.ListenAddress, out _, out error, clientsAuthenticate: !string.IsNullOrEmpty(server.AuthFile)))
        {
            return false;
        }
        return error.Length == 0;
    }

    /// <summary>Turns the options given on the command line (not their defaults) into configuration values.</summary>
    public static bool TryReadCommandLine(ParseResult result, IReadOnlyList<(ServerOptionSpec Spec, Option Option)> options,
        out Dictionary<string, string?> values, out string error)
    {
        values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = "";
        foreach ((ServerOptionSpec spec, Option option) in options)
        {
            var optionResult = result.GetResult(option);
            if (optionResult is null || optionResult.Implicit)
            {
                continue;
            }

            if (spec.Kind == OptionKind.Flag)
            {
                values[spec.ConfigKey] = "true";
                continue;
            }

            string text = optionResult.Tokens.Count > 0 ? optionResult.Tokens[^1].Value : "";
            if (!TryConvert(spec, text, out string? converted))
            {
                error = $"invalid value '{text}' for {spec.LongName}";
                return false;
            }
            values[spec.ConfigKey] = converted;
        }
        return true;
    }

    private static bool TryConvert(ServerOptionSpec spec, string text, out string? converted)
    {
        converted = null;
        switch (spec.Kind)
        {
            case OptionKind.Integer:
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number))
                {
                    return false;
                }
                converted = number.ToString(CultureInfo.InvariantCulture);
                return true;
            case OptionKind.Decimal:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
                {
                    return false;
                }
                converted = real.ToString(CultureInfo.InvariantCulture);
                return true;
            case OptionKind.Megabytes:
            case OptionKind.Size:
                long unit = spec.Kind == OptionKind.Megabytes ? 1L << 20 : 1;
                // -I binds to an int; larger sizes are out of range rather than wrapped.
                if (!SizeParser.TryParse(text, unit, out long bytes) || (spec.Kind == OptionKind.Size && bytes > int.MaxValue))
                {
                    return false;
                }
                converted = bytes.ToString(CultureInfo.InvariantCulture);
                return true;
            default:
                converted = text;
                return true;
        }
    }

    private static string? Validate(ServerOptions server, EngineOptions engine)
    {
        if (server.Port is < 0 or > 65535)
        {
            return $"port {server.Port} is out of range (0-65535)";
        }
        if (server.UdpPort != 0)
        {
            return "UDP is not supported; use -U 0 (the default)";
        }
        if (server.MaxConnections < 1)
        {
            return "max connections must be at least 1";
        }
        if (server.Threads < 1)
        {
            return "threads must be at least 1";
        }
        if (engine.MemoryLimitBytes < 1L << 20)
        {
            return "memory limit must be at least 1 MB";
        }
        if (engine.MaxItemSize < 1024)
        {
            return "item max size cannot be less than 1024 bytes";
        }
        if (engine.MaxItemSize > 1 << 30)
        {
            return "cannot set item size limit higher than 1 gigabyte";
        }
        if (engine.MaxItemSize > engine.MemoryLimitBytes / 2)
        {
            return "cannot set item size limit higher than 1/2 of memory max";
        }
        if (engine.GrowthFactor <= 1.0)
        {
            return "factor must be greater than 1";
        }
        if (server.IdleTimeoutSeconds < 0)
        {
            return "idle timeout must not be negative";
        }
        if (string.IsNullOrEmpty(server.TlsCertPath) != string.IsNullOrEmpty(server.TlsKeyPath))
        {
            return "TLS needs both --tls-cert and --tls-key";
        }
        if (!string.IsNullOrEmpty(server.TlsCaPath) && !server.TlsEnabled)
        {
            return "--tls-ca needs --tls-cert and --tls-key";
        }
        return null;
    }

    private static Dictionary<string, string?> StripPrefix(IDictionary<string, string?> environment)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string? value) in environment)
        {
            if (key.StartsWith("TROVE_", StringComparison.OrdinalIgnoreCase))
            {
                result[key["TROVE_".Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }
        return result;
    }
}

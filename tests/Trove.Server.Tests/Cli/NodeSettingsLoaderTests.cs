using System.CommandLine;
using Trove.Cli;

namespace Trove.Server.Tests.Cli;

public sealed class NodeSettingsLoaderTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    private static (bool Ok, NodeSettings Settings, string Error) Load(string commandLine, IDictionary<string, string?>? environment = null, string? configFile = null)
    {
        RootCommand root = TroveCommandLine.Create();
        var specs = ServerOptionTable.All
            .Select(spec => (spec, root.Options.Single(o => o.Name == spec.LongName)))
            .ToList();
        ParseResult parsed = root.Parse(VerbosityArguments.Normalize(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(parsed.Errors);
        if (!NodeSettingsLoader.TryReadCommandLine(parsed, specs, out var values, out string error))
        {
            return (false, null!, error);
        }
        bool ok = NodeSettingsLoader.TryLoad(values, configFile, environment ?? NoEnvironment, out NodeSettings settings, out error);
        return (ok, settings, error);
    }

    [Fact]
    public void DefaultsMatchMemcached()
    {
        var (ok, settings, _) = Load("");
        Assert.True(ok);
        Assert.Equal(11211, settings.Server.Port);
        Assert.Equal("127.0.0.1", settings.Server.ListenAddress);
        Assert.Equal(64L << 20, settings.Engine.MemoryLimitBytes);
        Assert.Equal(1024, settings.Server.MaxConnections);
        Assert.Equal(1 << 20, settings.Engine.MaxItemSize);
        Assert.Equal(0, settings.Server.Verbosity);
        Assert.False(settings.Server.EnableShutdown);
    }

    [Fact]
    public void MemcachedShortFlagsMapOntoOptions()
    {
        var (ok, settings, error) = Load("-p 12345 -l 0.0.0.0 -m 128 -c 10 -t 2 -I 2m -U 0 -A -vv -f 1.5");
        Assert.True(ok, error);
        Assert.Equal(12345, settings.Server.Port);
        Assert.Equal("0.0.0.0", settings.Server.ListenAddress);
        Assert.Equal(128L << 20, settings.Engine.MemoryLimitBytes);
        Assert.Equal(10, settings.Server.MaxConnections);
        Assert.Equal(2, settings.Server.Threads);
        Assert.Equal(2 << 20, settings.Engine.MaxItemSize);
        Assert.True(settings.Server.EnableShutdown);
        Assert.Equal(2, settings.Server.Verbosity);
        Assert.Equal(1.5, settings.Engine.GrowthFactor);
        Assert.False(settings.Engine.EvictionDisabled);
    }

    [Fact]
    public void DisableEvictionsIsMemcachedsM()
    {
        var (ok, settings, error) = Load("-M");
        Assert.True(ok, error);
        Assert.True(settings.Engine.EvictionDisabled);

        (ok, settings, error) = Load("--disable-evictions");
        Assert.True(ok, error);
        Assert.True(settings.Engine.EvictionDisabled);
    }

    [Fact]
    public void LongOptionsMapOntoOptions()
    {
        var (ok, settings, error) = Load("--port 2000 --memory-limit 32 --max-item-size 512k --max-connections 7");
        Assert.True(ok, error);
        Assert.Equal(2000, settings.Server.Port);
        Assert.Equal(32L << 20, settings.Engine.MemoryLimitBytes);
        Assert.Equal(512 << 10, settings.Engine.MaxItemSize);
        Assert.Equal(7, settings.Server.MaxConnections);
    }

    [Fact]
    public void CommandLineWinsOverEnvironmentWhichWinsOverConfigFile()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Server": { "Port": 1111, "MaxConnections": 50 }, "Engine": { "MemoryLimitBytes": 16777216 } }""");
            var environment = new Dictionary<string, string?> { ["TROVE_SERVER__PORT"] = "2222", ["TROVE_SERVER__MAXCONNECTIONS"] = "60" };

            var (ok, settings, error) = Load("-c 70", environment, file);
            Assert.True(ok, error);
            Assert.Equal(2222, settings.Server.Port);            // environment over file
            Assert.Equal(70, settings.Server.MaxConnections);    // command line over environment
            Assert.Equal(16L << 20, settings.Engine.MemoryLimitBytes); // file over default
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("-U 1", "UDP")]
    [InlineData("-I 512", "1024")]
    [InlineData("-I 1100m", "1 gigabyte")]
    [InlineData("-I 2g", "--max-item-size")]
    [InlineData("-m 64 -I 40m", "1/2 of memory")]
    [InlineData("-p 70000", "out of range")]
    [InlineData("-p abc", "--port")]
    [InlineData("-m lots", "--memory-limit")]
    [InlineData("-f 1", "factor")]
    [InlineData("-c 0", "connections")]
    public void InvalidValuesAreRejectedWithAMessage(string commandLine, string expectedInMessage)
    {
        var (ok, _, error) = Load(commandLine);
        Assert.False(ok);
        Assert.Contains(expectedInMessage, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MissingExplicitConfigFileIsAnError()
    {
        var (ok, _, error) = Load("", configFile: "/nonexistent/trove.json");
        Assert.False(ok);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void HelpListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();
        var config = new InvocationConfiguration { Output = output, Error = new StringWriter() };
        int exit = TroveCommandLine.Create().Parse(["--help"]).Invoke(config);
        string help = output.ToString();

        Assert.Equal(0, exit);
        foreach (ServerOptionSpec spec in ServerOptionTable.All)
        {
            Assert.Contains(spec.LongName, help);
            if (spec.ShortName is not null)
            {
                Assert.Contains(spec.ShortName, help);
            }
            if (spec.Kind != OptionKind.Flag)
            {
                Assert.Contains($"[default: {spec.DefaultText}]", help);
            }
        }
    }

    [Fact]
    public void SecurityOptionsBindFromTheCommandLineAndTheEnvironment()
    {
        var (ok, settings, error) = Load("-Y /etc/trove/users --tls-cert /c.pem --tls-key /k.pem --tls-ca /ca.pem --idle-timeout 30");
        Assert.True(ok, error);
        Assert.Equal("/etc/trove/users", settings.Server.AuthFile);
        Assert.Equal("/c.pem", settings.Server.TlsCertPath);
        Assert.Equal("/k.pem", settings.Server.TlsKeyPath);
        Assert.Equal("/ca.pem", settings.Server.TlsCaPath);
        Assert.Equal(30, settings.Server.IdleTimeoutSeconds);

        (ok, settings, error) = Load("", new Dictionary<string, string?> { ["TROVE_SERVER__IDLETIMEOUTSECONDS"] = "7", ["TROVE_SERVER__AUTHFILE"] = "/u" });
        Assert.True(ok, error);
        Assert.Equal(7, settings.Server.IdleTimeoutSeconds);
        Assert.Equal("/u", settings.Server.AuthFile);
    }

    [Fact]
    public void SecurityOptionsAreOffByDefault()
    {
        var (ok, settings, _) = Load("");
        Assert.True(ok);
        Assert.Null(settings.Server.AuthFile);
        Assert.False(settings.Server.TlsEnabled);
        Assert.Null(settings.Server.TlsCaPath);
        Assert.Equal(0, settings.Server.IdleTimeoutSeconds);
    }

    [Theory]
    [InlineData("--tls-cert /c.pem", "--tls-key")]
    [InlineData("--tls-key /k.pem", "--tls-cert")]
    [InlineData("--tls-ca /ca.pem", "--tls-ca")]
    [InlineData("--idle-timeout -1", "idle timeout")]
    public void IncompleteSecurityOptionsAreRejected(string commandLine, string mentioned)
    {
        var (ok, _, error) = Load(commandLine);
        Assert.False(ok);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }
}

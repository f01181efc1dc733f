using System.CommandLine;
using Trove.Cli;
using Trove.Storage.Persistence;

namespace Trove.Server.Tests.Cli;

public sealed class StoreOptionsTests
{
    private static (bool Ok, NodeSettings Settings, string Error) Load(string commandLine, IDictionary<string, string?>? environment = null)
    {
        RootCommand root = TroveCommandLine.Create();
        var specs = ServerOptionTable.All.Select(spec => (spec, root.Options.Single(o => o.Name == spec.LongName))).ToList();
        ParseResult parsed = root.Parse(VerbosityArguments.Normalize(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(parsed.Errors);
        Assert.True(NodeSettingsLoader.TryReadCommandLine(parsed, specs, out var values, out string error), error);
        bool ok = NodeSettingsLoader.TryLoad(values, null, environment ?? new Dictionary<string, string?>(), out NodeSettings settings, out error);
        return (ok, settings, error);
    }

    [Fact]
    public void DefaultIsCacheModeWithEverySecondFsync()
    {
        var (ok, settings, error) = Load("");
        Assert.True(ok, error);
        Assert.False(settings.Store.Enabled);
        Assert.Equal("cache", settings.Store.Mode);
        Assert.Null(settings.Store.DataDir);
        Assert.Equal(FsyncPolicy.EverySecond, settings.Store.FsyncPolicy);
    }

    [Theory]
    [InlineData("always", FsyncPolicy.Always)]
    [InlineData("everysec", FsyncPolicy.EverySecond)]
    [InlineData("no", FsyncPolicy.No)]
    public void StoreModeTakesADataDirectoryAndAFsyncPolicy(string fsync, FsyncPolicy expected)
    {
        var (ok, settings, error) = Load($"--mode store --data-dir /var/lib/trove --fsync {fsync}");
        Assert.True(ok, error);
        Assert.True(settings.Store.Enabled);
        Assert.Equal("/var/lib/trove", settings.Store.DataDir);
        Assert.Equal(expected, settings.Store.FsyncPolicy);
        Assert.Equal(fsync, settings.Store.FsyncName);
    }

    [Fact]
    public void StoreModeWithoutADataDirectoryIsRefused()
    {
        var (ok, _, error) = Load("--mode store");
        Assert.False(ok);
        Assert.Equal("--mode store needs --data-dir DIR (where the log is kept)", error);
    }

    [Theory]
    [InlineData("--mode disk", "invalid mode 'disk': use cache or store")]
    [InlineData("--fsync sometimes", "invalid fsync policy 'sometimes': use always, everysec or no")]
    public void UnknownValuesAreRefused(string commandLine, string expected)
    {
        var (ok, _, error) = Load(commandLine);
        Assert.False(ok);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void MaxKeyLengthDefaultsToMemcachedsAndRisesOnlyInStoreMode()
    {
        var (ok, settings, error) = Load("");
        Assert.True(ok, error);
        Assert.Equal(250, settings.Engine.MaxKeyLength);

        (ok, settings, error) = Load("--mode store --data-dir /data --max-key-length 65535");
        Assert.True(ok, error);
        Assert.Equal(65535, settings.Engine.MaxKeyLength);

        (ok, settings, error) = Load("--max-key-length 100");
        Assert.True(ok, error);
        Assert.Equal(100, settings.Engine.MaxKeyLength);
    }

    [Theory]
    [InlineData("--max-key-length 251", "--max-key-length above 250 needs --mode store")]
    [InlineData("--mode store --data-dir /data --max-key-length 65536", "max key length 65536 is out of range (1-65535)")]
    [InlineData("--max-key-length 0", "max key length 0 is out of range (1-65535)")]
    public void MaxKeyLengthOutOfRangeOrWithoutStoreModeIsRefused(string commandLine, string expected)
    {
        var (ok, _, error) = Load(commandLine);
        Assert.False(ok);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void EnvironmentVariablesSetStoreModeToo()
    {
        var (ok, settings, error) = Load("", new Dictionary<string, string?>
        {
            ["TROVE_STORE__MODE"] = "store",
            ["TROVE_STORE__DATADIR"] = "/data",
            ["TROVE_STORE__FSYNC"] = "always",
        });
        Assert.True(ok, error);
        Assert.True(settings.Store.Enabled);
        Assert.Equal("/data", settings.Store.DataDir);
        Assert.Equal(FsyncPolicy.Always, settings.Store.FsyncPolicy);
    }

    [Fact]
    public async Task TheNodeItselfRefusesStoreModeWithoutADataDirectory()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => TroveNode.StartAsync(
            new ServerOptions { Port = 0 }, new Trove.Storage.EngineOptions(), cluster: null, new StoreOptions { Mode = "store" }, configureLogging: null));
        Assert.StartsWith("--mode store needs --data-dir", refused.Message);
    }
}

using System.CommandLine;
using Trove.Cli;
using Trove.Cluster;
using Trove.Server.Cluster;

namespace Trove.Server.Tests.Cli;

public sealed class ClusterOptionsTests
{
    private static readonly string Key16 = Convert.ToBase64String(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

    private static (bool Ok, NodeSettings Settings, string Error) Load(string[] args, IDictionary<string, string?>? environment = null)
    {
        RootCommand root = TroveCommandLine.Create();
        var specs = ServerOptionTable.All.Select(spec => (spec, root.Options.Single(o => o.Name == spec.LongName))).ToList();
        ParseResult parsed = root.Parse(args);
        Assert.Empty(parsed.Errors);
        if (!NodeSettingsLoader.TryReadCommandLine(parsed, specs, out var values, out string error))
            return (false, null!, error);
        bool ok = NodeSettingsLoader.TryLoad(values, null, environment ?? new Dictionary<string, string?>(), out NodeSettings settings, out error);
        return (ok, settings, error);
    }

    [Fact]
    public void WithoutClusterOptionsTheNodeRunsAlone()
    {
        var (ok, settings, error) = Load([]);
        Assert.True(ok, error);
        Assert.False(settings.Cluster.Enabled);
        Assert.Null(settings.Cluster.GossipPort);
        Assert.Equal("trove", settings.Cluster.ClusterName);
        Assert.Equal(2, settings.Cluster.Replicas);
        Assert.Null(settings.Cluster.Join);
        Assert.Null(settings.Cluster.NodeName);
        Assert.Equal(new ClusterOptions().ProbeInterval, settings.Cluster.Swim.ProbeInterval);
    }

    [Fact]
    public void EveryClusterOptionMapsOntoClusterNodeOptions()
    {
        var (ok, settings, error) = Load(["--gossip-port", "7946", "--join", "10.0.0.1:7946,[::1]:7000,seed.example:7946",
            "--cluster-name", "prod", "--cluster-key", Key16, "--advertise", "10.0.0.9", "--node-name", "n9", "--replicas", "3"]);
        Assert.True(ok, error);
        ClusterNodeOptions cluster = settings.Cluster;
        Assert.Equal(7946, cluster.GossipPort);
        Assert.Equal("prod", cluster.ClusterName);
        Assert.Equal(3, cluster.Replicas);
        Assert.True(ClusterSetup.TryCreate(cluster, "127.0.0.1", out ClusterSetup? setup, out error), error);
        Assert.Equal([new NodeAddress("10.0.0.1", 7946), new NodeAddress("::1", 7000), new NodeAddress("seed.example", 7946)], setup!.Seeds);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), setup.SecretKey!);
        Assert.Equal("10.0.0.9", setup.AdvertiseHost);
        Assert.Equal("n9", setup.NodeName(11211));
        Assert.Equal("n9", setup.SwimOptions("n9").NodeName);
        Assert.Equal("prod", setup.SwimOptions("n9").ClusterName);
    }

    [Fact]
    public void DefaultNodeNameIsTheAdvertisedHostAndMemcachedPort()
    {
        Assert.True(ClusterSetup.TryCreate(new ClusterNodeOptions { GossipPort = 7946 }, "127.0.0.1", out ClusterSetup? setup, out string error), error);
        Assert.Equal("127.0.0.1", setup!.AdvertiseHost);
        Assert.Equal("127.0.0.1:11300", setup.NodeName(11300));
    }

    [Fact]
    public void AWildcardListenAddressIsNotAdvertised()
    {
        Assert.True(ClusterSetup.TryCreate(new ClusterNodeOptions { GossipPort = 7946 }, "0.0.0.0", out ClusterSetup? setup, out string error), error);
        Assert.NotEqual("0.0.0.0", setup!.AdvertiseHost);
        Assert.True(System.Net.IPAddress.TryParse(setup.AdvertiseHost, out _));
    }

    [Fact]
    public void KeyFileIsReadAndTrimmed()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Key16 + "\n");
            var (ok, settings, error) = Load(["--gossip-port", "7946", "--cluster-key-file", file]);
            Assert.True(ok, error);
            Assert.True(ClusterSetup.TryCreate(settings.Cluster, "127.0.0.1", out ClusterSetup? setup, out error), error);
            Assert.Equal(16, setup!.SecretKey!.Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void SwimTimingsComeFromConfiguration()
    {
        var (ok, settings, error) = Load(["--gossip-port", "0"], new Dictionary<string, string?>
        {
            ["TROVE_CLUSTER__SWIM__PROBEINTERVAL"] = "00:00:00.100",
            ["TROVE_CLUSTER__SWIM__PROBETIMEOUT"] = "00:00:00.050",
        });
        Assert.True(ok, error);
        Assert.Equal(0, settings.Cluster.GossipPort);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.Cluster.Swim.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.Cluster.Swim.ProbeTimeout);
    }

    [Theory]
    [InlineData("--gossip-port 70000", "gossip port")]
    [InlineData("--gossip-port off", "--gossip-port")]
    [InlineData("--join 127.0.0.1:7946", "--join needs --gossip-port")]
    [InlineData("--gossip-port 7946 --join 127.0.0.1", "not a list of host:port")]
    [InlineData("--gossip-port 7946 --join 127.0.0.1:0", "not a list of host:port")]
    [InlineData("--gossip-port 7946 --join ::1:7946", "not a list of host:port")]
    [InlineData("--gossip-port 7946 --replicas 0", "--replicas")]
    [InlineData("--gossip-port 7946 --cluster-key bm90IGEga2V5", "base64 of 16, 24 or 32 bytes")]
    [InlineData("--gossip-port 7946 --cluster-key !!!", "base64 of 16, 24 or 32 bytes")]
    [InlineData("--gossip-port 7946 --cluster-key-file /nonexistent/key", "cannot read --cluster-key-file")]
    [InlineData("--gossip-port 7946 --cluster-name ", "--cluster-name")]
    [InlineData("--gossip-port 7946 --peer-timeout 0", "--peer-timeout")]
    [InlineData("--gossip-port 7946 --auth-file /etc/hostname", "--auth-file with --gossip-port needs --cluster-key")]
    public void InvalidClusterValuesAreRefusedWithAMessage(string commandLine, string expected)
    {
        string[] args = commandLine.Split(' ');
        var (ok, _, error) = Load(args);
        Assert.False(ok);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void AnAuthFileInAClusterIsAcceptedWithAClusterKey()
    {
        var (ok, settings, error) = Load(["--gossip-port", "7946", "--auth-file", "/etc/hostname", "--cluster-key", Key16, "--sync-replication", "--peer-timeout", "250"]);
        Assert.True(ok, error);
        Assert.True(settings.Cluster.SyncReplication);
        Assert.Equal(250, settings.Cluster.PeerTimeoutMilliseconds);
    }

    [Fact]
    public void KeyAndKeyFileTogetherAreRefused()
    {
        var (ok, _, error) = Load(["--gossip-port", "7946", "--cluster-key", Key16, "--cluster-key-file", "/tmp/k"]);
        Assert.False(ok);
        Assert.Contains("not both", error);
    }

    [Fact]
    public void InvalidSwimTimingsAreRefused()
    {
        var (ok, _, error) = Load(["--gossip-port", "7946"], new Dictionary<string, string?>
        {
            ["TROVE_CLUSTER__SWIM__PROBETIMEOUT"] = "00:00:05",
        });
        Assert.False(ok);
        Assert.Contains("ProbeTimeout", error);
    }
}

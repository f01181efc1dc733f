using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Trove.Cluster;

namespace Trove.Server.Cluster;

/// <summary>
/// <see cref="ClusterNodeOptions"/> checked and resolved: seeds parsed, key decoded (or read from its file), the
/// advertised host chosen. Built once by the command line (so a bad value exits 64 before anything starts) and again
/// by the node, which has only its options.
/// </summary>
public sealed class ClusterSetup
{
    private ClusterSetup(ClusterNodeOptions options, string advertiseHost, IReadOnlyList<NodeAddress> seeds, byte[]? key)
    {
        Options = options;
        AdvertiseHost = advertiseHost;
        Seeds = seeds;
        SecretKey = key;
    }

    public ClusterNodeOptions Options { get; }

    /// <summary>The host in this node's gossip address and default name.</summary>
    public string AdvertiseHost { get; }

    public IReadOnlyList<NodeAddress> Seeds { get; }

    public byte[]? SecretKey { get; }

    /// <summary>Checks <paramref name="options"/>; on failure <paramref name="error"/> says what is wrong, in words for the command line.</summary>
    /// <param name="options">The cluster settings.</param>
    /// <param name="listenAddress">The memcached listen address (the default advertised host comes from it).</param>
    /// <param name="setup">The resolved setup, when valid.</param>
    /// <param name="error">What is wrong, in words for the command line.</param>
    /// <param name="clientsAuthenticate">An auth file is configured: node-to-node requests, which skip client
    /// authentication, must then be sealed with a cluster key, or anyone reaching the gossip port could bypass it.</param>
    public static bool TryCreate(ClusterNodeOptions options, string listenAddress, out ClusterSetup? setup, out string error, bool clientsAuthenticate = false)
    {
        setup = null;
        error = Check(options, out IReadOnlyList<NodeAddress> seeds, out byte[]? key) ?? "";
        if (error.Length == 0 && clientsAuthenticate && options.Enabled && key is null)
            error = "--auth-file with --gossip-port needs --cluster-key or --cluster-key-file: requests from other nodes skip client authentication and are trusted only when sealed with the key";
        if (error.Length > 0)
            return false;
        setup = new ClusterSetup(options, options.Advertise is { Length: > 0 } host ? host : DefaultAdvertiseHost(listenAddress), seeds, key);
        if (options.NodeName is { } name)
        {
            // The node name is checked here rather than left to ClusterOptions.Validate so the message names the option.
            if (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > 255)
                error = "--node-name must be 1 to 255 bytes";
        }
        if (error.Length == 0)
        {
            try
            {
                setup.SwimOptions("check").Validate();
            }
            catch (ArgumentException ex)
            {
                error = $"cluster setting: {ex.Message}";
            }
        }
        return error.Length == 0;
    }

    /// <summary>This node's name: the configured one, or "advertise-host:memcached-port", which tells users where it serves.</summary>
    public string NodeName(int memcachedPort) =>
        Options.NodeName ?? new NodeAddress(AdvertiseHost, memcachedPort).ToString();

    /// <summary>
    /// The membership protocol's settings: the configured timings with this node's identity, key and replica count.
    /// The replica count is part of the settings fingerprint every member must share (ClusterOptions.Compatibility),
    /// so a node started with another --replicas is refused at join.
    /// </summary>
    public ClusterOptions SwimOptions(string nodeName)
    {
        ClusterOptions t = Options.Swim;
        return new ClusterOptions
        {
            NodeName = nodeName,
            ClusterName = Options.ClusterName,
            SecretKey = SecretKey,
            Replicas = Options.Replicas,
            ProbeInterval = t.ProbeInterval,
            ProbeTimeout = t.ProbeTimeout,
            IndirectChecks = t.IndirectChecks,
            SuspicionMult = t.SuspicionMult,
            SuspicionMaxTimeoutMult = t.SuspicionMaxTimeoutMult,
            RetransmitMult = t.RetransmitMult,
            GossipInterval = t.GossipInterval,
            GossipNodes = t.GossipNodes,
            PushPullInterval = t.PushPullInterval,
            StreamTimeout = t.StreamTimeout,
            MaxPacketSize = t.MaxPacketSize,
        };
    }

    /// <summary>Parses "host:port[,host:port...]"; IPv6 literals in brackets.</summary>
    public static bool TryParseSeeds(string text, out List<NodeAddress> seeds)
    {
        seeds = [];
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = part.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                return false;
            string host = part[..colon];
            if (host.StartsWith('[') && host.EndsWith(']'))
                host = host[1..^1];
            else if (host.Contains(':'))
                return false; // an IPv6 literal without brackets: where the port starts is ambiguous
            if (host.Length == 0)
                return false;
            seeds.Add(new NodeAddress(host, port));
        }
        return seeds.Count > 0;
    }

    private static string? Check(ClusterNodeOptions options, out IReadOnlyList<NodeAddress> seeds, out byte[]? key)
    {
        seeds = [];
        key = null;
        if (options.GossipPort is < 0 or > 65535)
            return $"gossip port {options.GossipPort} is out of range (0-65535)";
        if (options.Replicas < 1)
            return "--replicas must be at least 1";
        if (options.MigrationRateBytes < 0)
            return "--migration-rate must be 0 (no limit) or more bytes per second";
        if (options.PeerTimeoutMilliseconds < 1)
            return "--peer-timeout must be at least 1 millisecond";
        if (string.IsNullOrEmpty(options.ClusterName) || System.Text.Encoding.UTF8.GetByteCount(options.ClusterName) > 255)
            return "--cluster-name must be 1 to 255 bytes";
        if (!string.IsNullOrEmpty(options.Join))
        {
            if (!options.Enabled)
                return "--join needs --gossip-port";
            if (!TryParseSeeds(options.Join, out List<NodeAddress> parsed))
                return $"--join '{options.Join}' is not a list of host:port";
            seeds = parsed;
        }
        bool hasKey = !string.IsNullOrEmpty(options.ClusterKey), hasKeyFile = !string.IsNullOrEmpty(options.ClusterKeyFile);
        if (hasKey && hasKeyFile)
            return "give --cluster-key or --cluster-key-file, not both";
        string? keyText = options.ClusterKey;
        if (hasKeyFile)
        {
            try
            {
                keyText = File.ReadAllText(options.ClusterKeyFile!).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"cannot read --cluster-key-file: {ex.Message}";
            }
        }
        if (!string.IsNullOrEmpty(keyText))
        {
            byte[] bytes = new byte[keyText.Length];
            if (!Convert.TryFromBase64String(keyText, bytes, out int length) || length is not (16 or 24 or 32))
                return "the cluster key must be base64 of 16, 24 or 32 bytes (AES-128, -192 or -256)";
            key = bytes[..length];
        }
        return null;
    }

    /// <summary>The listen address, unless it is a wildcard, which peers cannot use: then the first up, non-loopback IPv4 address.</summary>
    private static string DefaultAdvertiseHost(string listenAddress)
    {
        // The listener's own spellings of "every address" ("", "*") count too.
        bool wildcard = listenAddress is "" or "*" ||
            (IPAddress.TryParse(listenAddress, out IPAddress? address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)));
        if (!wildcard)
            return listenAddress;
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                continue;
            foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    return unicast.Address.ToString();
            }
        }
        return "127.0.0.1"; // no other interface: only this machine can reach the node anyway
    }
}

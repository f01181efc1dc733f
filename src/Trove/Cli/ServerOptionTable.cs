namespace Trove.Cli;

/// <summary>One server option: its long and memcached short names, where it lands in configuration, and its default.</summary>
internal sealed record ServerOptionSpec(
    string LongName,
    string? ShortName,
    string ConfigKey,
    OptionKind Kind,
    string DefaultText,
    string Description);

/// <summary>
/// The one table that maps memcached's flags onto Trove's long options and configuration keys.
/// Configuration keys bind to <see cref="Trove.Server.ServerOptions"/> ("Server:...") and
/// <see cref="Trove.Storage.EngineOptions"/> ("Engine:...") and <see cref="Trove.Server.ClusterNodeOptions"/>
/// ("Cluster:...", whose membership timings are configuration only: "Cluster:Swim:ProbeInterval" and so on); the same keys work in trove.json and as
/// environment variables (TROVE_SERVER__PORT=11212). Store mode binds to <see cref="Trove.Server.StoreOptions"/> ("Store:...").
/// </summary>
internal static class ServerOptionTable
{
    public static readonly IReadOnlyList<ServerOptionSpec> All =
    [
        new("--port", "-p", "Server:Port", OptionKind.Integer, "11211", "TCP port for memcached clients"),
        new("--listen", "-l", "Server:ListenAddress", OptionKind.Text, "127.0.0.1", "address to listen on (0.0.0.0 to expose)"),
        new("--memory-limit", "-m", "Engine:MemoryLimitBytes", OptionKind.Megabytes, "64", "item memory in megabytes"),
        new("--disable-evictions", "-M", "Engine:EvictionDisabled", OptionKind.Flag, "false", "when memory is full, answer SERVER_ERROR out of memory instead of evicting (always on with --mode store)"),
        new("--max-connections", "-c", "Server:MaxConnections", OptionKind.Integer, "1024", "most simultaneous client connections"),
        new("--threads", "-t", "Server:Threads", OptionKind.Integer, "4", "socket I/O threads, at most one per core; each reads, executes and replies for its connections"),
        new("--max-item-size", "-I", "Engine:MaxItemSize", OptionKind.Size, "1m", "largest item, with k/m suffix (1k to 1g)"),
        new("--max-key-length", null, "Engine:MaxKeyLength", OptionKind.Integer, "250", "longest key in bytes; above 250 (up to 65535) only with --mode store, over meta and binary"),
        new("--verbose", "-v", "Server:Verbosity", OptionKind.Integer, "0", "verbosity: -v, -vv or -vvv (--verbose N)"),
        new("--udp-port", "-U", "Server:UdpPort", OptionKind.Integer, "0", "UDP port; only 0 (off) is supported"),
        new("--enable-shutdown", "-A", "Server:EnableShutdown", OptionKind.Flag, "false", "allow the shutdown command"),
        new("--slab-growth-factor", "-f", "Engine:GrowthFactor", OptionKind.Decimal, "1.25", "chunk size growth factor between slab classes"),
        new("--auth-file", "-Y", "Server:AuthFile", OptionKind.Text, "none", "file of user:password lines; clients must authenticate first (reloaded on SIGHUP)"),
        new("--tls-cert", null, "Server:TlsCertPath", OptionKind.Text, "none", "PEM certificate chain; with --tls-key the port speaks TLS only (memcached -Z)"),
        new("--tls-key", null, "Server:TlsKeyPath", OptionKind.Text, "none", "PEM private key of --tls-cert"),
        new("--tls-ca", null, "Server:TlsCaPath", OptionKind.Text, "none", "PEM CA certificates; clients must present a certificate they issued"),
        new("--idle-timeout", null, "Server:IdleTimeoutSeconds", OptionKind.Integer, "0", "close connections idle this many seconds (memcached -o idle_timeout); 0 = never"),
        new("--gossip-port", null, "Cluster:GossipPort", OptionKind.Integer, "off", "port for cluster membership (UDP and TCP on the listen address); off = a single node"),
        new("--join", null, "Cluster:Join", OptionKind.Text, "none", "seeds to join, HOST:PORT[,HOST:PORT...]; retried until one answers"),
        new("--cluster-name", null, "Cluster:ClusterName", OptionKind.Text, "trove", "cluster name; peers with another name are refused"),
        new("--cluster-key", null, "Cluster:ClusterKey", OptionKind.Text, "none", "base64 AES key (16, 24 or 32 bytes) that encrypts and authenticates gossip"),
        new("--cluster-key-file", null, "Cluster:ClusterKeyFile", OptionKind.Text, "none", "file holding the base64 cluster key"),
        new("--advertise", null, "Cluster:Advertise", OptionKind.Text, "listen address", "host peers use to reach this node; with -l 0.0.0.0 the default is the first non-loopback address"),
        new("--node-name", null, "Cluster:NodeName", OptionKind.Text, "host:port", "unique node name; the default is the advertised host and the memcached port"),
        new("--replicas", null, "Cluster:Replicas", OptionKind.Integer, "2", "owners per partition, primary included"),
        new("--sync-replication", null, "Cluster:SyncReplication", OptionKind.Flag, "false", "answer a write only after every replica has it (default: replicas are updated asynchronously)"),
        new("--mode", null, "Store:Mode", OptionKind.Text, "cache", "cache (memory only) or store (every write logged in --data-dir and replayed at start)"),
        new("--data-dir", null, "Store:DataDir", OptionKind.Text, "none", "directory of the log; required with --mode store"),
        new("--fsync", null, "Store:Fsync", OptionKind.Text, "everysec", "store mode: always (reply after fsync), everysec (fsync every second) or no (the OS decides)"),
        new("--migration-rate", null, "Cluster:MigrationRateBytes", OptionKind.Size, "0", "bytes per second of partition copies when data moves, with k/m/g suffix (0: no limit)"),
        new("--peer-timeout", null, "Cluster:PeerTimeoutMilliseconds", OptionKind.Integer, "1000", "milliseconds to wait for another node before trying the key's next owner"),
    ];
}

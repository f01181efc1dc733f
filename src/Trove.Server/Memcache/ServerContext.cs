using Trove.Server.Cluster;
using Trove.Server.Memcache.Auth;
using Trove.Server.Tls;
using Trove.Storage;

namespace Trove.Server.Memcache;

/// <summary>What every connection of one node shares: the engine, settings, counters and lifetime hooks.</summary>
public sealed partial class ServerContext
{
    public ServerContext(CacheEngine engine, ServerOptions options, TimeProvider time)
    {
        Engine = engine;
        Options = options;
        Time = time;
        StartedAt = time.GetUtcNow();
        Verbosity = options.Verbosity;
        MaxKeyLength = engine.Options.MaxKeyLength;
    }

    public CacheEngine Engine { get; }
    public ServerOptions Options { get; }
    public TimeProvider Time { get; }
    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// Longest key the meta and binary protocols accept (<see cref="EngineOptions.MaxKeyLength"/>: memcached's 250
    /// unless store mode raised it). The classic text commands keep memcached's 250 whatever this is.
    /// </summary>
    public int MaxKeyLength { get; }

    /// <summary>The version string the version and stats commands report.</summary>
    public string Version { get; init; } = "1.6.18";

    /// <summary>Current verbosity; the verbosity command changes it.</summary>
    public int Verbosity { get; set; }

    public StripedCounters<ProtocolCounter> Counters { get; } = new();

    /// <summary>Open client connections (memcached curr_connections).</summary>
    public int CurrentConnections => Volatile.Read(ref _currentConnections);

    private int _currentConnections;

    /// <summary>Counts a new connection unless <see cref="ServerOptions.MaxConnections"/> are already open.</summary>
    public bool TryOpenConnection()
    {
        int open = Interlocked.Increment(ref _currentConnections);
        if (open > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _currentConnections);
            return false;
        }
        Counters.Add(ProtocolCounter.TotalConnections);
        return true;
    }

    public void CloseConnection() => Interlocked.Decrement(ref _currentConnections);

    /// <summary>Called by the shutdown command when <see cref="ServerOptions.EnableShutdown"/> is set.</summary>
    public Action? ShutdownRequested { get; set; }

    /// <summary>The users of the auth file when authentication is on (memcached -Y), else null: nothing is asked.</summary>
    public CredentialStore? Credentials { get; init; }

    /// <summary>The TLS certificates when the port speaks TLS (--tls-cert/--tls-key), else null.</summary>
    public TlsCertificates? Tls { get; init; }

    /// <summary>Members and partition table as this node sees them (stats nodes, stats cluster); a lone node by default.</summary>
    public ClusterState Cluster { get; init; } = new("trove", Trove.Cluster.Placement.PartitionTable.DefaultReplicaCount, gossip: false);

    /// <summary>Request routing, replication and data movement when the node runs in a cluster (--gossip-port), else null.</summary>
    internal ClusterRouting? Routing { get; set; }

    /// <summary>The log in store mode (--mode store), else null: a cache node never touches the disk.</summary>
    internal Store.NodeStore? Store { get; set; }
}

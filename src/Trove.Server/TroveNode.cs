using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trove.Server.Cluster;
using Trove.Server.Hosting;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Auth;
using Trove.Server.Store;
using Trove.Server.Tls;
using Trove.Storage;

namespace Trove.Server;

/// <summary>
/// One running Trove node: the engine, the Kestrel listener for memcached clients and the background services.
/// The executable runs one; tests start several in one process.
/// </summary>
public sealed class TroveNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CacheEngine _engine;
    private readonly MemcacheListenerService _listener;
    private readonly ClusterMembershipService _membership;
    private readonly ILogger _logger;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private int _disposed;

    private TroveNode(IHost host, CacheEngine engine, ServerContext context)
    {
        _host = host;
        _engine = engine;
        Context = context;
        _listener = host.Services.GetRequiredService<MemcacheListenerService>();
        _membership = host.Services.GetRequiredService<ClusterMembershipService>();
        _logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Trove.Node");
    }

    /// <summary>What the node's connections share (engine, counters, settings).</summary>
    public ServerContext Context { get; }

    /// <summary>The bound memcached port (useful when <see cref="ServerOptions.Port"/> was 0).</summary>
    public int Port => ((IPEndPoint)_listener.BoundEndPoint!).Port;

    /// <summary>Starts a node and returns once it accepts connections.</summary>
    public static Task<TroveNode> StartAsync(ServerOptions server, EngineOptions engine, CancellationToken cancellationToken = default) =>
        StartAsync(server, engine, cluster: null, configureLogging: null, cancellationToken);

    /// <summary>Starts a node with custom logging (the executable logs to the console by verbosity).</summary>
    public static Task<TroveNode> StartAsync(
        ServerOptions server,
        EngineOptions engine,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken = default) =>
        StartAsync(server, engine, cluster: null, configureLogging, cancellationToken);

    /// <summary>
    /// Starts a node with cluster settings (null: a single node) and custom logging. Invalid cluster settings throw
    /// <see cref="ArgumentException"/>; the executable checks them first to exit with a usage error.
    /// </summary>
    public static Task<TroveNode> StartAsync(
        ServerOptions server,
        EngineOptions engine,
        ClusterNodeOptions? cluster,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken = default) =>
        StartAsync(server, engine, cluster, store: null, configureLogging, cancellationToken);

    /// <summary>
    /// Starts a node with cluster and store settings (null: cache mode). In store mode the data directory is replayed
    /// into the engine before the listener accepts a connection; a damaged log throws <see cref="StoreCorruptException"/>
    /// and invalid store settings <see cref="ArgumentException"/>.
    /// </summary>
    public static async Task<TroveNode> StartAsync(
        ServerOptions server,
        EngineOptions engine,
        ClusterNodeOptions? cluster,
        StoreOptions? store,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken = default)
    {
        store ??= new StoreOptions();
        if (store.Validate() is { } storeError)
        {
            throw new ArgumentException(storeError, nameof(store));
        }
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(engine);
        if (store.ValidateMaxKeyLength(engine.MaxKeyLength) is { } keyError)
        {
            throw new ArgumentException(keyError, nameof(engine));
        }
        if (server.UdpPort != 0)
        {
            throw new ArgumentException("UDP is not supported: use -U 0 (the default).", nameof(server));
        }
        cluster ??= new ClusterNodeOptions();
        if (!ClusterSetup.TryCreate(cluster, server.ListenAddress, out ClusterSetup? setup, out string clusterError, clientsAuthenticate: !string.IsNullOrEmpty(server.AuthFile)))
        {
            throw new ArgumentException(clusterError, nameof(cluster));
        }

        if (store.Enabled && (!engine.EvictionDisabled || !engine.ValuesOnDisk))
        {
            // Store mode promises to keep every acknowledged write, so a full node refuses new data (memcached -M:
            // SERVER_ERROR out of memory storing object) rather than evict: an evicted item would be gone from the
            // engine and, after a compaction, from the log. A copy, so the caller's options are left as given.
            engine = new EngineOptions
            {
                MemoryLimitBytes = engine.MemoryLimitBytes,
                MaxItemSize = engine.MaxItemSize,
                MaxKeyLength = engine.MaxKeyLength,
                PartitionCount = engine.PartitionCount,
                GrowthFactor = engine.GrowthFactor,
                EvictionDisabled = true,
                // Cold values leave memory for the log (docs/STORE.md, "Values on disk"): the data set may exceed it.
                ValuesOnDisk = true,
            };
        }

        TimeProvider time = TimeProvider.System;
        var cache = new CacheEngine(engine, time);
        ServerContext context;
        try
        {
            context = new ServerContext(cache, server, time)
            {
                Credentials = string.IsNullOrEmpty(server.AuthFile) ? null : CredentialStore.Load(server.AuthFile),
                Tls = server.TlsEnabled ? TlsCertificates.Load(server.TlsCertPath!, server.TlsKeyPath!, server.TlsCaPath) : null,
                Cluster = new ClusterState(cluster.ClusterName, cluster.Replicas, cluster.Enabled),
            };
        }
        catch
        {
            cache.Dispose();
            throw;
        }

        // The empty builder reads no configuration files or variables itself: the executable has resolved
        // every setting already (src/Trove/Cli), and tests pass options directly.
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(server);
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(cache);
        builder.Services.AddSingleton<MemcacheConnectionHandler>();
        builder.Services.AddSingleton<MemcacheListenerService>();
        if (context.Tls is not null)
        {
            builder.Services.AddKestrelTlsServices(); // only then: without TLS the node carries none of it
        }
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MemcacheListenerService>());
        // After the listener: starts once the port is bound, and stops (leaving the cluster) before it.
        builder.Services.AddSingleton(setup!);
        builder.Services.AddSingleton<ClusterMembershipService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMembershipService>());
        builder.Services.AddHostedService<EngineMaintenanceService>();
        builder.Services.AddHostedService<IdleConnectionService>();
        if (store.Enabled)
        {
            builder.Services.AddSingleton(sp => sp.GetRequiredService<ServerContext>().Store!);
            builder.Services.AddHostedService<StoreCompactionService>();
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        IHost host = builder.Build();
        if (store.Enabled)
        {
            // Before the node resolves its services: the cluster's observer is installed then, and replayed records
            // must not be replicated. Before the listener starts: no client sees a half-recovered node.
            try
            {
                context.Store = NodeStore.Open(store, cache, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Trove.Store"), store.FileSystem);
            }
            catch (Exception ex)
            {
                host.Dispose();
                cache.Dispose();
                if (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StoreOpenException(store.DataDir!, ex);
                }
                throw;
            }
        }

        var node = new TroveNode(host, cache, context);
        IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        context.ShutdownRequested = () =>
        {
            ServerLog.ShutdownCommand(node._logger);
            lifetime.StopApplication();
        };

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            context.Store?.Dispose();
            cache.Dispose();
            throw;
        }

        ServerLog.Listening(node._logger, node._listener.BoundEndPoint!, engine.MemoryLimitBytes >> 20, engine.MaxItemSize);
        return node;
    }

    /// <summary>
    /// Re-reads the auth file (memcached does this on SIGHUP). Returns false with the reason when it cannot be read;
    /// the users loaded before stay in force. True without effect when authentication is off.
    /// </summary>
    public bool ReloadCredentials(out string? error)
    {
        error = null;
        return Context.Credentials is not { } credentials || credentials.Reload(out error);
    }

    /// <summary>Where the node gossips (useful when the gossip port was 0); null when membership is off.</summary>
    public Trove.Cluster.NodeAddress? GossipAddress => _membership.GossipAddress;

    /// <summary>
    /// Stops gossiping at once, without telling the cluster, as kill -9 would; the memcached port keeps serving.
    /// Tests use it to watch the other members detect a failure.
    /// </summary>
    internal void AbandonCluster() => _membership.Abandon();

    /// <summary>
    /// Dies as kill -9 would, as far as other nodes can tell: gossip and node-to-node streams stop at once without a
    /// word, then the node shuts down. Tests use it for failover in one process.
    /// </summary>
    internal async Task KillAsync()
    {
        _membership.Abandon();
        await DisposeAsync();
    }

    /// <summary>Completes when the node is asked to stop (SIGTERM, Ctrl-C, or the shutdown command).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _host.StopAsync();
        }
        finally
        {
            ServerLog.Stopped(_logger, Stopwatch.GetElapsedTime(_startedTimestamp).TotalSeconds);
            _host.Dispose();
            // No connection is left to append: the writer writes and fsyncs the rest and closes its segment.
            Context.Store?.Dispose();
            // Kestrel has completed every connection handler by now, so no request can touch native memory.
            _engine.Dispose();
        }
    }
}

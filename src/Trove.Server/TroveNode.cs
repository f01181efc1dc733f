using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trove.Server.Hosting;
using Trove.Server.Memcache;
using Trove.Storage;

namespace Trove.Server;

/// <summary>
/// One running Trove node: the engine, the Kestrel listener for memcached clients and the background services.
/// The executable runs one; tests start several in one process.
/// </summary>
public sealed class TroveNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CacheEngine _engine;
    private readonly ListenOptions _memcacheListener;
    private readonly ILogger _logger;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private int _disposed;

    private TroveNode(WebApplication app, CacheEngine engine, ServerContext context, ListenOptions memcacheListener)
    {
        _app = app;
        _engine = engine;
        Context = context;
        _memcacheListener = memcacheListener;
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Trove.Node");
    }

    /// <summary>What the node's connections share (engine, counters, settings).</summary>
    public ServerContext Context { get; }

    /// <summary>The bound memcached port (useful when <see cref="ServerOptions.Port"/> was 0).</summary>
    public int Port => ((IPEndPoint)_memcacheListener.EndPoint).Port;

    /// <summary>Starts a node and returns once it accepts connections.</summary>
    public static Task<TroveNode> StartAsync(ServerOptions server, EngineOptions engine, CancellationToken cancellationToken = default) =>
        StartAsync(server, engine, configureLogging: null, cancellationToken);

    /// <summary>Starts a node with custom logging (the executable logs to the console by verbosity).</summary>
    public static async Task<TroveNode> StartAsync(
        ServerOptions server,
        EngineOptions engine,
        Action<ILoggingBuilder>? configureLogging,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(engine);
        if (server.UdpPort != 0)
        {
            throw new ArgumentException("UDP is not supported: use -U 0 (the default).", nameof(server));
        }

        TimeProvider time = TimeProvider.System;
        var cache = new CacheEngine(engine, time);
        var context = new ServerContext(cache, server, time);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }

        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(cache);
        builder.Services.AddHostedService<EngineMaintenanceService>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        // Continuations run on the socket's I/O thread: no hop to the thread pool per read. Safe because
        // nothing on the request path blocks (stripe locks are held for a copy at most).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ParseAddress(server.ListenAddress), server.Port, listen =>
            {
                listen.UseConnectionHandler<MemcacheConnectionHandler>();
                listener = listen;
            });
        });

        WebApplication app = builder.Build();
        var node = new TroveNode(app, cache, context, listener!);
        context.ShutdownRequested = () =>
        {
            ServerLog.ShutdownCommand(node._logger);
            app.Lifetime.StopApplication();
        };

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            cache.Dispose();
            throw;
        }

        ServerLog.Listening(node._logger, listener!.EndPoint, engine.MemoryLimitBytes >> 20, engine.MaxItemSize);
        return node;
    }

    /// <summary>Completes when the node is asked to stop (SIGTERM, Ctrl-C, or the shutdown command).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            ServerLog.Stopped(_logger, Stopwatch.GetElapsedTime(_startedTimestamp).TotalSeconds);
            // Kestrel has completed every connection handler by now, so no request can touch native memory.
            _engine.Dispose();
        }
    }

    private static IPAddress ParseAddress(string address) => address switch
    {
        "" or "*" or "0.0.0.0" => IPAddress.Any,
        "::" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.Parse(address),
    };
}

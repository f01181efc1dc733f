using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trove.Server.Memcache;
using Trove.Server.Tls;

namespace Trove.Server.Hosting;

/// <summary>
/// Runs Kestrel with one memcached endpoint, without the ASP.NET Core web application stack: no HTTP request
/// pipeline is built or loaded, which keeps a node's resident memory close to memcached's. (An HTTP API, when
/// it comes, gets its own endpoint.)
/// </summary>
internal sealed class MemcacheListenerService(IServiceProvider services, ServerOptions options, ServerContext context, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private KestrelServer? _server;

    /// <summary>The bound endpoint once started (the real port when the configured port was 0).</summary>
    public EndPoint? BoundEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var kestrelOptions = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        ListenOptions? listener = null;
        kestrelOptions.Listen(ParseAddress(options.ListenAddress), options.Port, listen =>
        {
            if (context.Tls is { } tls)
            {
                // TLS only on this port, as memcached -Z: Kestrel's TLS middleware does the handshake (SslStream) and
                // the connection handler sees plain bytes. Each handshake asks for the current certificates, so
                // refresh_certs takes effect for the next client without a restart.
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(TlsHandshakeCounting.CountFailures(context));
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(tls.CreateHandshakeOptions()),
                });
                listen.Use(TlsHandshakeCounting.MarkCompleted);
            }
            listen.UseConnectionHandler<MemcacheConnectionHandler>();
            listener = listen;
        });

        // Continuations run on the socket's I/O thread: no hop to the thread pool per read. Safe because
        // nothing on the request path blocks (partition locks are held for a copy at most).
        var transportOptions = new SocketTransportOptions { UnsafePreferInlineScheduling = true };
        var transport = new SocketTransportFactory(Options.Create(transportOptions), loggerFactory);

        _server = new KestrelServer(Options.Create(kestrelOptions), transport, loggerFactory);
        await _server.StartAsync(new NoHttpApplication(), cancellationToken);
        BoundEndPoint = listener!.EndPoint;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _server is null ? Task.CompletedTask : _server.StopAsync(cancellationToken);

    public void Dispose() => _server?.Dispose();

    internal static IPAddress ParseAddress(string address) => address switch
    {
        "" or "*" or "0.0.0.0" => IPAddress.Any,
        "::" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.Parse(address),
    };

    /// <summary>Kestrel wants an HTTP application; every endpoint here has a connection handler instead, so it is never called.</summary>
    private sealed class NoHttpApplication : IHttpApplication<object>
    {
        public object CreateContext(IFeatureCollection contextFeatures) => throw new NotSupportedException("no HTTP endpoint");

        public Task ProcessRequestAsync(object context) => throw new NotSupportedException("no HTTP endpoint");

        public void DisposeContext(object context, Exception? exception)
        {
        }
    }
}

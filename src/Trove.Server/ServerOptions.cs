namespace Trove.Server;

/// <summary>Settings of the network server (the memcached-facing side of a node).</summary>
public sealed class ServerOptions
{
    /// <summary>TCP port for the memcached protocols (memcached -p). <remarks>Defaults to 11211.</remarks></summary>
    public int Port { get; set; } = 11211;

    /// <summary>Address to listen on (memcached -l). <remarks>Defaults to 127.0.0.1; use 0.0.0.0 to expose.</remarks></summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Most simultaneous client connections (memcached -c). <remarks>Defaults to 1024.</remarks></summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Worker threads (memcached -t). Accepted for compatibility; .NET's thread pool uses every core. <remarks>Defaults to 4.</remarks></summary>
    public int Threads { get; set; } = 4;

    /// <summary>Verbosity (memcached -v, -vv, -vvv). <remarks>Defaults to 0.</remarks></summary>
    public int Verbosity { get; set; }

    /// <summary>Allow the shutdown command (memcached -A). <remarks>Defaults to false.</remarks></summary>
    public bool EnableShutdown { get; set; }

    /// <summary>UDP port (memcached -U). Only 0 (off) is supported. <remarks>Defaults to 0.</remarks></summary>
    public int UdpPort { get; set; }

    /// <summary>
    /// Auth file of <c>user:password</c> lines (memcached -Y). When set, every connection must authenticate first;
    /// SIGHUP reloads it. <remarks>Defaults to none: no authentication.</remarks>
    /// </summary>
    public string? AuthFile { get; set; }

    /// <summary>
    /// PEM certificate (chain) for TLS. With <see cref="TlsKeyPath"/> the memcached port speaks TLS only (memcached -Z
    /// with ssl_chain_cert). <remarks>Defaults to none: plain TCP.</remarks>
    /// </summary>
    public string? TlsCertPath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertPath"/> (memcached ssl_key). <remarks>Defaults to none.</remarks></summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>
    /// PEM CA certificates; when set, clients must present a certificate issued by one of them (memcached ssl_ca_cert
    /// with ssl_verify_mode=3). <remarks>Defaults to none: no client certificate asked.</remarks>
    /// </summary>
    public string? TlsCaPath { get; set; }

    /// <summary>
    /// Seconds a connection may sit idle between commands before it is closed (memcached -o idle_timeout).
    /// <remarks>Defaults to 0: never.</remarks>
    /// </summary>
    public int IdleTimeoutSeconds { get; set; }

    /// <summary>Whether TLS is configured (certificate and key given).</summary>
    public bool TlsEnabled => !string.IsNullOrEmpty(TlsCertPath) && !string.IsNullOrEmpty(TlsKeyPath);
}

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
}

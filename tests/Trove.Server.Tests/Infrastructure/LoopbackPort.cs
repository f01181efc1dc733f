using System.Net;
using System.Net.Sockets;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1.</summary>
internal static class LoopbackPort
{
    /// <summary>A port that was free a moment ago (the OS picks it); a race with other processes is possible but rare.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

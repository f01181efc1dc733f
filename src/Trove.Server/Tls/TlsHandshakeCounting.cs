using Microsoft.AspNetCore.Connections;
using Trove.Server.Memcache;

namespace Trove.Server.Tls;

/// <summary>
/// Counts failed TLS handshakes for memcached's ssl_handshake_errors. Kestrel's TLS middleware ends a connection
/// whose handshake fails without calling what follows it, so a marker placed after it tells the counter placed
/// before it whether the handshake got through.
/// </summary>
internal static class TlsHandshakeCounting
{
    private const string CompletedKey = "trove.tls.handshake-completed";

    /// <summary>Goes before the TLS middleware: counts the connections whose handshake never completed.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> CountFailures(ServerContext context) => next => async connection =>
    {
        try
        {
            await next(connection);
        }
        finally
        {
            if (!connection.Items.ContainsKey(CompletedKey))
            {
                context.Counters.Add(ProtocolCounter.TlsHandshakeErrors);
            }
        }
    };

    /// <summary>Goes after the TLS middleware: reached only once the handshake succeeded.</summary>
    public static ConnectionDelegate MarkCompleted(ConnectionDelegate next) => connection =>
    {
        connection.Items[CompletedKey] = true;
        return next(connection);
    };
}

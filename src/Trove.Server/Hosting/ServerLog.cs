using System.Net;
using Microsoft.Extensions.Logging;

namespace Trove.Server.Hosting;

/// <summary>Source-generated log messages of the server. Nothing here is logged per request.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Trove listening for memcached clients on {EndPoint} (memory limit {MemoryMegabytes} MB, max item size {MaxItemSize} bytes)")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, long memoryMegabytes, int maxItemSize);

    [LoggerMessage(2, LogLevel.Warning, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Shutdown requested by the shutdown command")]
    public static partial void ShutdownCommand(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Stopped after {Seconds:F1} s")]
    public static partial void Stopped(ILogger logger, double seconds);
}

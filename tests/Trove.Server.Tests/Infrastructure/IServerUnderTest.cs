namespace Trove.Server.Tests.Infrastructure;

/// <summary>A running server the harness talks to over loopback: the real memcached or a Trove node.</summary>
internal interface IServerUnderTest : IAsyncDisposable
{
    /// <summary>"memcached" or "trove": used in failure messages.</summary>
    string Name { get; }

    /// <summary>The bound port on 127.0.0.1.</summary>
    int Port { get; }

    /// <summary>
    /// Memory the server holds after collecting garbage where it can: the managed heap after a full collection
    /// for an in-process Trove node, the resident set for a memcached process.
    /// </summary>
    long SettledMemoryBytes();
}

using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Trove.Cluster.Wire;
using Trove.Server.Memcache;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// Serves the data streams other nodes open on the gossip port (<see cref="PeerFrame"/>): reads every complete
/// request frame that has arrived, executes each in order, writes the replies and flushes once per batch, as the
/// client connections do. A frame that does not open (another cluster, the wrong key, a forgery, garbage) closes the
/// stream and is logged once per sender address.
/// </summary>
internal sealed class PeerListener(ServerContext context, PacketSealer sealer, ILogger logger)
{
    private readonly HashSet<string> _reported = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Socket, bool> _open = new();
    private volatile bool _aborted;
    private int _executing;
    private long _lastRequest = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>
    /// Waits until no request has arrived for <paramref name="idle"/>, at most <paramref name="limit"/>: a leaving
    /// node keeps answering until the others have stopped routing to it (they switch when they see it leave).
    /// </summary>
    public async Task WaitIdleAsync(TimeSpan idle, TimeSpan limit, CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRequest)) < idle
            && System.Diagnostics.Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(idle / 4, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes every stream, refuses new ones and waits (briefly) for requests already executing, so the engine can be
    /// disposed after it: these streams are not Kestrel connections, which the host drains by itself.
    /// </summary>
    public void Abort()
    {
        _aborted = true;
        Thread.MemoryBarrier(); // pairs with the increment of _executing before a batch reads _aborted
        foreach (Socket socket in _open.Keys)
            socket.Dispose();
        SpinWait.SpinUntil(() => Volatile.Read(ref _executing) == 0, TimeSpan.FromSeconds(5));
    }

    public async Task ServeAsync(Socket socket)
    {
        _open[socket] = true;
        if (_aborted)
            socket.Dispose();
        try
        {
            await ServeOpenAsync(socket);
        }
        finally
        {
            _open.TryRemove(socket, out _);
        }
    }

    private async Task ServeOpenAsync(Socket socket)
    {
        socket.NoDelay = true;
        string remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var stream = new NetworkStream(socket, ownsSocket: true);
        PipeReader input = PipeReader.Create(stream);
        PipeWriter output = PipeWriter.Create(stream);
        var executor = new PeerRequestExecutor(context);
        int maxFrameLength = PeerFrame.MaxFrameLengthFor(context.Engine.Options.MaxItemSize);
        try
        {
            while (true)
            {
                ReadResult read = await input.ReadAsync();
                ReadOnlySequence<byte> buffer = read.Buffer;
                bool refused = false;
                Interlocked.Exchange(ref _lastRequest, System.Diagnostics.Stopwatch.GetTimestamp());
                Interlocked.Increment(ref _executing);
                try
                {
                    while (!_aborted)
                    {
                        OperationStatus status = PeerFrame.TryRead(ref buffer, sealer, maxFrameLength, out byte[] payload, out OpenResult why);
                        if (status == OperationStatus.NeedMoreData)
                            break;
                        ReadOnlyMemory<byte>? reply = status == OperationStatus.Done ? executor.Execute(payload) : null;
                        if (reply is not { } bytes)
                        {
                            Report(remote, status == OperationStatus.Done ? "a malformed request" : $"a frame that does not open ({why})");
                            refused = true;
                            break;
                        }
                        PeerFrame.Write(output, sealer, bytes.Span);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _executing);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (context.Routing is { SyncReplication: true } routing && Replication.TakeQueued())
                    await routing.WaitForReplicasAsync(); // forwarded writes are answered once their replicas have them
                if (output.UnflushedBytes > 0)
                    await output.FlushAsync();
                if (refused || read.IsCompleted || _aborted)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away; it reconnects when it needs to.
        }
        catch (Exception ex)
        {
            PeerLog.StreamFailed(logger, remote, ex);
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    private void Report(string remote, string what)
    {
        string host = remote.Contains(':') ? remote[..remote.LastIndexOf(':')] : remote;
        lock (_reported)
        {
            if (!_reported.Add(host + what))
                return;
        }
        PeerLog.Refused(logger, remote, what);
    }
}

internal static partial class PeerLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a data stream from {Remote}: it sent {What} (logged once per sender)")]
    public static partial void Refused(ILogger logger, string remote, string what);

    [LoggerMessage(Level = LogLevel.Error, Message = "A data stream from {Remote} failed")]
    public static partial void StreamFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach {Member}: {Reason}; its requests go to the next owner (logged once until it answers again)")]
    public static partial void Unreachable(ILogger logger, string member, string reason);
}

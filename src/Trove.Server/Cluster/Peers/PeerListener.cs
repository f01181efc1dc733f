using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Trove.Cluster.Wire;
using Trove.Server.Memcache;
using Trove.Server.Store;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// Serves the data streams other nodes open on the gossip port (<see cref="PeerFrame"/>): reads every complete
/// request frame that has arrived, executes each in order, writes the replies and flushes once per batch, as the
/// client connections do. A frame that does not open (another cluster, the wrong key, a forgery, garbage) closes the
/// stream and is logged once per sender address.
/// </summary>
internal sealed class PeerListener(ServerContext context, PacketSealer sealer, ILogger logger)
{
    /// <summary>Bytes of replies a stream's buffer keeps between batches (see <see cref="Reused"/>).</summary>
    private const int RetainedFramesCapacity = 1024 * 1024;

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
        var frames = new ArrayBufferWriter<byte>();
        // Replies of batches still waiting to be durable, written in order by a chain of tasks. The loop goes on
        // reading and executing meanwhile: a stream that stopped while its writes wait for their replicas could be
        // the very stream those replicas' acknowledgements need (two nodes forwarding to each other under
        // --sync-replication), a deadlock broken only by the peer timeout.
        Task pending = Task.CompletedTask;
        var failed = new CancellationTokenSource();
        int maxFrameLength = PeerFrame.MaxFrameLengthFor(context.Engine.Options.MaxItemSize);
        try
        {
            while (!failed.IsCancellationRequested)
            {
                ReadResult read = await input.ReadAsync(failed.Token);
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
                        PeerFrame.Write(frames, sealer, bytes.Span);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _executing);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                // Forwarded and replicated writes are acknowledged on the same terms as a client's: once logged here
                // (store mode) and, under --sync-replication, held by their replicas. A failed log closes the stream
                // unanswered, so the sender counts the write as not taken. Taken before any await (BatchDurability).
                ValueTask<bool> durable = BatchDurability.Take(context);
                if (pending.IsCompleted && durable.IsCompleted)
                {
                    if (!durable.Result)
                        break;
                    if (frames.WrittenCount > 0)
                    {
                        output.Write(frames.WrittenSpan);
                        frames = Reused(frames);
                        await output.FlushAsync();
                    }
                }
                else if (frames.WrittenCount > 0 || !durable.IsCompleted)
                {
                    byte[] replies = frames.WrittenSpan.ToArray();
                    frames = Reused(frames);
                    pending = WriteWhenDurableAsync(pending, durable.AsTask(), replies, output, failed);
                }
                if (refused || read.IsCompleted || _aborted)
                    break;
            }
            await pending;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away, or a batch's log write failed; it reconnects when it needs to.
        }
        catch (Exception ex)
        {
            PeerLog.StreamFailed(logger, remote, ex);
        }
        finally
        {
            // The writer chain uses the output: it must be done (or failed) before the output is completed.
            await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await input.CompleteAsync();
            await output.CompleteAsync();
            failed.Dispose();
        }
    }

    /// <summary>
    /// After the batches before it (<paramref name="previous"/>), waits for this batch to be durable and writes its
    /// replies; a failed log ends the stream with nothing more written (<paramref name="failed"/> stops the reader).
    /// </summary>
    private static async Task WriteWhenDurableAsync(Task previous, Task<bool> durable, byte[] replies, PipeWriter output, CancellationTokenSource failed)
    {
        await previous;
        if (!await durable)
        {
            failed.Cancel();
            throw new OperationCanceledException("the log did not take this batch");
        }
        if (replies.Length > 0)
        {
            output.Write(replies);
            await output.FlushAsync();
        }
    }

    /// <summary>
    /// The replies buffer, emptied for the next batch; dropped instead when a large reply (a forwarded get of an item
    /// up to --max-item-size) grew it beyond <see cref="RetainedFramesCapacity"/>, so no stream keeps that much for life.
    /// </summary>
    private static ArrayBufferWriter<byte> Reused(ArrayBufferWriter<byte> frames)
    {
        if (frames.Capacity > RetainedFramesCapacity)
            return new ArrayBufferWriter<byte>();
        frames.ResetWrittenCount();
        return frames;
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

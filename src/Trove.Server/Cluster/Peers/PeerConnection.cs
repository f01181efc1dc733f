using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Trove.Cluster.Transport;
using Trove.Cluster.Wire;

namespace Trove.Server.Cluster.Peers;

/// <summary>The peer could not be reached, hung up, sent something unreadable or did not answer in time.</summary>
internal sealed class PeerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One persistent, pipelined connection to another node's data stream. Requests from any thread are queued; one
/// writer at a time sends everything queued in one write, so concurrent requests share a system call; replies come
/// back in request order and complete the callers' tasks in that order. A failure (connect, I/O, a reply that does
/// not open, a request older than the timeout) fails every outstanding request at once and the connection is dead:
/// <see cref="PeerClients"/> makes a new one.
/// </summary>
internal sealed class PeerConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly PacketSealer _sealer;
    private readonly int _maxFrameLength;
    private readonly Lock _gate = new();
    private readonly Queue<Outstanding> _outstanding = new();
    private ArrayBufferWriter<byte> _queued = new();
    private ArrayBufferWriter<byte> _sending = new();
    private bool _writing;
    private Exception? _failure;

    private readonly record struct Outstanding(TaskCompletionSource<byte[]> Reply, long SentAt);

    private readonly Task _connected;

    private PeerConnection(Socket socket, PacketSealer sealer, string peer, System.Net.EndPoint endpoint, TimeSpan connectTimeout, int maxFrameLength)
    {
        _socket = socket;
        _sealer = sealer;
        _maxFrameLength = maxFrameLength;
        Peer = peer;
        _connected = ConnectAsync(endpoint, connectTimeout);
        _connected.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The member this connection reaches.</summary>
    public string Peer { get; }

    public bool IsFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>
    /// A connection to <paramref name="endpoint"/> (the member's gossip address), usable at once: requests sent before
    /// the connect completes are queued and go out, in order, as soon as it does (or fail with it).
    /// </summary>
    public static PeerConnection Open(string peer, System.Net.EndPoint endpoint, PacketSealer sealer, TimeSpan timeout, int maxFrameLength = PeerFrame.DefaultMaxFrameLength)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        return new PeerConnection(socket, sealer, peer, endpoint, timeout, maxFrameLength);
    }

    /// <summary>Completes when connected; faults (and fails the connection) when the peer cannot be reached.</summary>
    public Task Connected => _connected;

    private async Task ConnectAsync(System.Net.EndPoint endpoint, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await _socket.ConnectAsync(endpoint, cts.Token).ConfigureAwait(false);
            await _socket.SendAsync(SocketTransport.DataStreamMagic.ToArray(), SocketFlags.None, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var failure = new PeerUnavailableException($"cannot connect to {Peer} at {endpoint}: {ex.Message}", ex);
            Fail(failure);
            throw failure;
        }
        _ = Task.Run(ReadRepliesAsync);
    }

    /// <summary>Sends one request payload (kind byte first); the task ends with the reply payload or faults with <see cref="PeerUnavailableException"/>.</summary>
    public Task<byte[]> SendAsync(ReadOnlySpan<byte> payload)
    {
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool startWriter;
        lock (_gate)
        {
            if (_failure is { } failure)
                return Task.FromException<byte[]>(failure);
            PeerFrame.Write(_queued, _sealer, payload);
            _outstanding.Enqueue(new Outstanding(reply, Stopwatch.GetTimestamp()));
            startWriter = !_writing;
            _writing = true;
        }
        if (startWriter)
            _ = Task.Run(WriteQueuedAsync);
        return reply.Task;
    }

    /// <summary>Fails the connection when its oldest unanswered request is older than <paramref name="timeout"/> (a peer that stopped answering).</summary>
    public void CheckTimeout(TimeSpan timeout)
    {
        long sentAt;
        lock (_gate)
        {
            if (_outstanding.Count == 0)
                return;
            sentAt = _outstanding.Peek().SentAt;
        }
        if (Stopwatch.GetElapsedTime(sentAt) > timeout)
            Fail(new PeerUnavailableException($"{Peer} did not answer within {timeout.TotalMilliseconds:0} ms"));
    }

    private async Task WriteQueuedAsync()
    {
        try
        {
            await _connected.ConfigureAwait(false);
            while (true)
            {
                lock (_gate)
                {
                    if (_queued.WrittenCount == 0 || _failure is not null)
                    {
                        _writing = false;
                        return;
                    }
                    (_queued, _sending) = (_sending, _queued);
                }
                ReadOnlyMemory<byte> bytes = _sending.WrittenMemory;
                while (!bytes.IsEmpty)
                {
                    int sent = await _socket.SendAsync(bytes, SocketFlags.None);
                    bytes = bytes[sent..];
                }
                _sending.ResetWrittenCount();
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
                _writing = false;
            Fail(new PeerUnavailableException($"lost the connection to {Peer}: {ex.Message}", ex));
        }
    }

    private async Task ReadRepliesAsync()
    {
        var input = PipeReader.Create(new NetworkStream(_socket, ownsSocket: false));
        try
        {
            while (true)
            {
                ReadResult read = await input.ReadAsync();
                ReadOnlySequence<byte> buffer = read.Buffer;
                while (true)
                {
                    OperationStatus status = PeerFrame.TryRead(ref buffer, _sealer, _maxFrameLength, out byte[] reply, out OpenResult refused);
                    if (status == OperationStatus.NeedMoreData)
                        break;
                    if (status != OperationStatus.Done)
                        throw new PeerUnavailableException($"{Peer} sent a reply that does not open ({refused})");
                    TaskCompletionSource<byte[]> waiter;
                    lock (_gate)
                    {
                        if (!_outstanding.TryDequeue(out Outstanding next))
                            throw new PeerUnavailableException($"{Peer} sent a reply nobody asked for");
                        waiter = next.Reply;
                    }
                    waiter.TrySetResult(reply);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                    throw new PeerUnavailableException($"{Peer} closed the connection");
            }
        }
        catch (Exception ex)
        {
            Fail(ex as PeerUnavailableException ?? new PeerUnavailableException($"lost the connection to {Peer}: {ex.Message}", ex));
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    private void Fail(Exception failure)
    {
        Outstanding[] orphans;
        lock (_gate)
        {
            if (_failure is not null)
                return;
            _failure = failure;
            orphans = [.. _outstanding];
            _outstanding.Clear();
        }
        foreach (Outstanding orphan in orphans)
            orphan.Reply.TrySetException(failure);
        _socket.Dispose();
    }

    public void Dispose() => Fail(new PeerUnavailableException($"connection to {Peer} closed"));
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Trove.Bench;

/// <summary>
/// One client connection running a closed loop: write a batch of <c>pipeline</c> requests into a
/// preallocated buffer, send it, then parse replies out of a preallocated receive buffer until
/// the whole batch is answered. Each loop is a single long-lived async method over the socket's
/// ValueTask operations, so steady state allocates nothing per request.
/// </summary>
internal sealed class BenchConnection : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;
    private static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly Socket _socket;
    private readonly RequestWriter _writer;
    private readonly KeyChooser _chooser;
    private readonly int _pipeline;
    private readonly int _getWeight;
    private readonly int _totalWeight;
    private readonly bool _fillOnMiss;
    private readonly byte[] _send;
    private readonly byte[] _receive;
    private readonly int[] _slotKeys;    // key of each request of the batch in flight
    private readonly bool[] _slotIsGet;
    private readonly int[] _fills;       // keys that missed, to be set in the next batch
    private int _fillCount;
    private FastRandom _random;
    private ReplyParser _parser;
    private int _receiveStart;
    private int _receiveEnd;

    private BenchConnection(Socket socket, BenchOptions options, RequestWriter writer, KeyChooser chooser, int index, int maxBatch)
    {
        _socket = socket;
        _writer = writer;
        _chooser = chooser;
        _pipeline = options.Pipeline;
        _getWeight = options.GetWeight;
        _totalWeight = options.GetWeight + options.SetWeight;
        _fillOnMiss = options.FillOnMiss;
        _random = FastRandom.ForStream(options.Seed, index);
        // Pinned once here, so the socket never has to pin them per operation.
        _send = GC.AllocateUninitializedArray<byte>(maxBatch * writer.MaxRequestLength, pinned: true);
        _receive = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        _slotKeys = new int[maxBatch];
        _slotIsGet = new bool[maxBatch];
        _fills = new int[maxBatch];
    }

    /// <summary>Counts of the measured phase.</summary>
    public ConnectionStats Stats { get; } = new();

    /// <summary>Counts of the load phase.</summary>
    public ConnectionStats LoadStats { get; } = new();

    /// <summary>Latency of every measured request, in nanoseconds.</summary>
    public LatencyHistogram Histogram { get; } = new();

    public static async Task<BenchConnection> ConnectAsync(
        IPEndPoint server, BenchOptions options, RequestWriter writer, KeyChooser chooser, int index, int maxBatch,
        CancellationToken ct)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, ct).ConfigureAwait(false);
            return new BenchConnection(socket, options, writer, chooser, index, maxBatch);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sets keys first, first+stride, ... below <paramref name="keys"/>, <paramref name="depth"/> per batch.</summary>
    public async Task LoadAsync(int first, int stride, int keys, int depth)
    {
        long key = first;
        while (key < keys)
        {
            var length = 0;
            var count = 0;
            for (; count < depth && key < keys; count++, key += stride)
            {
                _slotKeys[count] = (int)key;
                _slotIsGet[count] = false;
                length += _writer.WriteSet(_send.AsSpan(length), (int)key);
            }
            await SendAsync(length).ConfigureAwait(false);
            var done = 0;
            while (done < count)
            {
                await ReceiveAsync().ConfigureAwait(false);
                done = TakeReplies(done, count, 0, LoadStats, null);
            }
        }
    }

    /// <summary>
    /// Runs batches until <paramref name="control"/> stops. With <paramref name="measuredBatches"/>
    /// below 0 the control's phase decides which batches count; otherwise the first
    /// <paramref name="warmupBatches"/> do not count, the next <paramref name="measuredBatches"/> do,
    /// and then the loop ends.
    /// </summary>
    public async Task RunAsync(RunControl control, long warmupBatches = 0, long measuredBatches = -1)
    {
        long batch = 0;
        while (!control.IsStopped)
        {
            bool measured;
            if (measuredBatches < 0)
            {
                measured = control.IsMeasuring;
            }
            else if (batch == warmupBatches + measuredBatches)
            {
                break;
            }
            else
            {
                measured = batch >= warmupBatches;
                if (batch == warmupBatches)
                {
                    control.NoteMeasuringStarted();
                }
            }
            batch++;
            var stats = measured ? Stats : null;
            var histogram = measured ? Histogram : null;
            var length = BuildBatch();
            var sentAt = Stopwatch.GetTimestamp();
            await SendAsync(length).ConfigureAwait(false);
            var done = 0;
            while (done < _pipeline)
            {
                await ReceiveAsync().ConfigureAwait(false);
                // One clock read per receive: every reply in it arrived at the same time.
                var latency = (long)((Stopwatch.GetTimestamp() - sentAt) * s_nanosecondsPerTick);
                done = TakeReplies(done, _pipeline, latency, stats, histogram);
            }
        }
    }

    /// <summary>Closes every socket, failing any operation in flight (what bounds a run on a stuck server).</summary>
    public static void AbortAll(IEnumerable<BenchConnection> connections)
    {
        foreach (var connection in connections)
        {
            connection._socket.Dispose();
        }
    }

    public void Dispose() => _socket.Dispose();

    private int BuildBatch()
    {
        var length = 0;
        for (var slot = 0; slot < _pipeline; slot++)
        {
            int key;
            bool isGet;
            if (slot < _fillCount)
            {
                key = _fills[slot];
                isGet = false;
            }
            else
            {
                isGet = _random.NextBelow(_totalWeight) < _getWeight;
                key = _chooser.Next(ref _random);
            }
            _slotKeys[slot] = key;
            _slotIsGet[slot] = isGet;
            var destination = _send.AsSpan(length);
            length += isGet ? _writer.WriteGet(destination, key) : _writer.WriteSet(destination, key);
        }
        _fillCount = 0;
        return length;
    }

    // Pooled builders: these helpers complete asynchronously on most calls, and the default
    // builder would allocate a fresh state machine box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(int length)
    {
        var sent = 0;
        while (sent < length)
        {
            sent += await _socket.SendAsync(_send.AsMemory(sent, length - sent), SocketFlags.None).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveAsync()
    {
        // Whatever is left is at most a partial reply line: move it to the front.
        var left = _receiveEnd - _receiveStart;
        if (left > 0 && _receiveStart > 0)
        {
            _receive.AsSpan(_receiveStart, left).CopyTo(_receive);
        }
        _receiveStart = 0;
        _receiveEnd = left;
        var received = await _socket.ReceiveAsync(_receive.AsMemory(_receiveEnd), SocketFlags.None).ConfigureAwait(false);
        if (received == 0)
        {
            throw new IOException("the server closed the connection");
        }
        _receiveEnd += received;
    }

    /// <summary>Parses buffered replies for slots <paramref name="done"/>.. until <paramref name="count"/>; returns the new done.</summary>
    private int TakeReplies(int done, int count, long latency, ConnectionStats? stats, LatencyHistogram? histogram)
    {
        while (done < count)
        {
            var bytes = _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart);
            var complete = _parser.TryRead(bytes, out var consumed, out var kind);
            _receiveStart += consumed;
            if (!complete)
            {
                break;
            }
            Account(done, kind, stats);
            histogram?.Record(latency);
            done++;
        }
        return done;
    }

    private void Account(int slot, ReplyKind kind, ConnectionStats? stats)
    {
        var isGet = _slotIsGet[slot];
        var isGetReply = kind is ReplyKind.Hit or ReplyKind.Miss;
        if (kind != ReplyKind.Error && isGetReply != isGet)
        {
            throw new InvalidDataException($"got a {kind} reply to a {(isGet ? "get" : "set")}: replies are out of step with requests");
        }
        if (kind == ReplyKind.Hit && _parser.LastValueLength != _writer.ValueSize)
        {
            throw new InvalidDataException(
                $"a get returned {_parser.LastValueLength} bytes, but every value set is {_writer.ValueSize} bytes "
                + "(keys set by another client or --value-size? use a fresh server or another --key-prefix)");
        }
        if (kind == ReplyKind.Miss && _fillOnMiss)
        {
            _fills[_fillCount++] = _slotKeys[slot];
        }
        if (stats is null)
        {
            return;
        }
        switch (kind)
        {
            case ReplyKind.Hit: stats.Hits++; break;
            case ReplyKind.Miss: stats.Misses++; break;
            case ReplyKind.Stored: stats.Stored++; break;
            case ReplyKind.NotStored: stats.NotStored++; break;
            default:
                if (isGet)
                {
                    stats.GetErrors++;
                }
                else
                {
                    stats.SetErrors++;
                }
                stats.FirstError ??= _parser.LastErrorLine;
                break;
        }
    }
}

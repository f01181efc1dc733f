using System.Buffers;
using Trove.Protocol.Text;
using Trove.Server.Cluster;
using Trove.Server.Memcache.Auth;
using Trove.Server.Memcache.Meta;
using Trove.Server.Memcache.Text;

namespace Trove.Server.Memcache;

/// <summary>
/// The memcached protocol state of one client connection, without I/O: bytes in, replies out. The connection
/// handler passes whatever has arrived; the session executes every complete request in it and reports how far
/// it got. Each request goes through three separate steps, so a cluster layer can route the typed request
/// instead of executing it: frame a line (<see cref="TextLineReader"/>), parse it (<see cref="TextCommandParser"/>),
/// execute it (<see cref="TextCommandHandler"/> or <see cref="MetaCommands"/>), which writes the reply.
/// </summary>
/// <remarks>
/// Replies are released when memcached would send them (see <see cref="HeldReplies"/>): at the end of the input,
/// before a get's values, after "mn" and every 20 commands, but not while a value is still arriving or being
/// discarded. With an auth file, input goes to <see cref="TextAuthentication"/> until the client has authenticated.
/// Not thread safe: one connection calls it at a time.
/// </remarks>
public sealed class MemcacheSession : IProtocolSession
{
    /// <summary>A line copy above this size (a huge multi-get) is dropped after use instead of kept by the connection.</summary>
    private const int RetainedLineCopyCapacity = 16 * 1024;

    private readonly ServerContext _context;
    private readonly ClientConnection? _connection;
    private readonly PendingBlock _pending = new();
    private readonly HeldReplies _held = new();

    /// <summary>The node's request routing in a cluster; null on a lone node and in sessions serving other nodes.</summary>
    private readonly ClusterRouting? _routing;

    /// <summary>This batch's output when requests may be forwarded (see <see cref="ReplyAssembler"/>), else null.</summary>
    private ReplyAssembler? _assembler;

    /// <summary>The authentication phase while it lasts (auth file configured, not authenticated yet), else null.</summary>
    private TextAuthentication? _authentication;

    /// <summary>Bytes of a rejected value still to discard as they arrive (memcached's conn_swallow).</summary>
    private long _swallowRemaining;

    /// <summary>Holds a command line that arrived split across buffer segments.</summary>
    private byte[] _lineCopy = [];

    /// <summary>memcached's reqs_per_event: where this connection's read event yields.</summary>
    private ReadEventQuota _quota;

    /// <summary>Commands since replies were last sent: memcached's queue of unsent replies is not empty.</summary>
    private int _unsentCommands;

    public MemcacheSession(ServerContext context)
        : this(context, connection: null)
    {
    }

    /// <summary>A session whose state is shown by "stats conns" through <paramref name="connection"/>.</summary>
    /// <param name="context">The node's shared state.</param>
    /// <param name="connection">This connection's entry from <see cref="ServerContext.Connections"/>, or null.</param>
    public MemcacheSession(ServerContext context, ClientConnection? connection)
        : this(context, connection, peer: false)
    {
    }

    private MemcacheSession(ServerContext context, ClientConnection? connection, bool peer)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _connection = connection;
        if (peer)
        {
            return; // the data stream's envelope proved the sender a member; its requests run here
        }
        _routing = context.Routing;
        if (context.Credentials is { } credentials)
        {
            _authentication = new TextAuthentication(credentials);
        }
    }

    /// <summary>A session for requests another node forwarded: no authentication, and every request runs on this node.</summary>
    internal static MemcacheSession ForPeer(ServerContext context) => new(context, connection: null, peer: true);

    /// <summary>
    /// Parses and executes every complete request in input, appending replies to output (never flushes).
    /// consumed/examined follow PipeReader.AdvanceTo semantics (on a partial request consume nothing more, examine to the end).
    /// </summary>
    public SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined)
    {
        var reader = new SequenceReader<byte>(input);
        CommandOutcome outcome = CommandOutcome.Continue;
        _assembler = _routing is { Routes.Solo: false } ? output as ReplyAssembler : null;
        _quota.BeginEvent();
        bool yielded = false;
        _connection?.MarkActive(_context.Engine.Now);
        while (outcome == CommandOutcome.Continue)
        {
            if (_quota.ShouldYield(inputLeft: !reader.End))
            {
                yielded = true;
                break;
            }
            if (_swallowRemaining > 0)
            {
                long discarded = Math.Min(_swallowRemaining, reader.Remaining);
                reader.Advance(discarded);
                _swallowRemaining -= discarded;
                if (_swallowRemaining > 0)
                {
                    break;
                }
                CommandDone(output);
            }
            if (_pending.Kind != PendingKind.None)
            {
                if (!_pending.TryFill(ref reader))
                {
                    break;
                }
                CompletePending();
                CommandDone(output);
                continue;
            }
            if (reader.End)
            {
                break;
            }
            if (_authentication is not null)
            {
                AuthStep step = _authentication.Step(ref reader, _context, _held);
                if (step == AuthStep.NeedMoreData)
                {
                    break;
                }
                if (step == AuthStep.Close)
                {
                    outcome = CommandOutcome.HangUp;
                    break;
                }
                if (_authentication.Authenticated)
                {
                    _authentication = null;
                    _connection?.MarkAuthenticated();
                }
                CommandDone(output);
                continue;
            }

            OperationStatus framing = TextLineReader.TryReadLine(ref reader, out ReadOnlySequence<byte> rawLine, _context.MaxKeyLength);
            if (framing == OperationStatus.NeedMoreData)
            {
                break;
            }
            if (framing != OperationStatus.Done)
            {
                outcome = CommandOutcome.HangUp; // junk without a newline
                break;
            }
            outcome = ProcessLine(TextCommandParser.CommandText(Flatten(rawLine)), ref reader, output);
            if (_lineCopy.Length > RetainedLineCopyCapacity)
            {
                _lineCopy = [];
            }
        }

        switch (outcome)
        {
            case CommandOutcome.HangUp:
                _held.Discard(); // memcached closes without sending what it held
                break;
            case CommandOutcome.Quit:
                _held.FlushTo(output);
                break;
            default:
                // memcached sends what it holds once it runs out of input, but not while it reads or discards a value.
                if (_swallowRemaining == 0 && _pending.Kind == PendingKind.None)
                {
                    _held.FlushTo(output);
                    _unsentCommands = 0;
                }
                break;
        }
        consumed = reader.Position;
        // After a yield the rest of the input is unexamined, so the caller's next read returns it at once.
        examined = yielded ? reader.Position : input.End;
        _connection?.MarkIdle(swallowing: _swallowRemaining > 0, readingValue: _pending.Kind != PendingKind.None || _authentication is { AwaitingValue: true });
        return outcome == CommandOutcome.Continue ? SessionResult.Continue : SessionResult.Close;
    }

    private CommandOutcome ProcessLine(ReadOnlySpan<byte> line, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        TextCommandParser.Parse(line, out TextRequest request);
        if (request.Command == MemcacheCommand.Meta)
        {
            ProcessMeta(line, ref reader, output);
            return CommandOutcome.Continue;
        }
        if (request.Error == TextError.None && request.HasDataBlock)
        {
            ProcessStorage(line, in request, ref reader, output);
            return CommandOutcome.Continue;
        }

        if (_assembler is not null && request.Error == TextError.None && request.Command == MemcacheCommand.FlushAll)
        {
            // flush_all empties the whole cluster: every other member runs it too (with its delay), without replies.
            _routing!.Broadcast([.. line, .. "\r\n"u8]);
        }
        if (_assembler is not null && request.Error == TextError.None && ForwardsKeyCommand(in request))
        {
            if (TextForwarding.TryForward(_routing!, _assembler, _held, line, in request))
            {
                CommandDone(output);
                return CommandOutcome.Continue;
            }
        }

        IBufferWriter<byte> target = _held;
        bool sendsAtOnce = false;
        if (request.Error == TextError.None && request.IsRetrieval)
        {
            if (RetrievalCommands.IndexOfOverlongKey(line, request.KeysStart) >= 0)
            {
                _held.Discard(); // memcached throws away every reply it had not sent yet
            }
            else
            {
                // memcached sends a get's reply, and everything queued before it, at once.
                _held.FlushTo(output);
                target = output;
                sendsAtOnce = true;
            }
        }

        CommandOutcome outcome = TextCommandHandler.Execute(_context, in request, line, target, _connection, repliesPending: _unsentCommands > 0);
        if (outcome == CommandOutcome.Continue)
        {
            CommandDone(output);
            if (sendsAtOnce)
            {
                _unsentCommands = 0;
            }
        }
        return outcome;
    }

    private void ProcessStorage(ReadOnlySpan<byte> line, in TextRequest request, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (!StorageCommands.Admit(_context, in request, line, _held))
        {
            _swallowRemaining = request.DataLength + 2L;
            return;
        }
        int blockLength = request.DataLength + 2;
        if (reader.Remaining >= blockLength)
        {
            ReadOnlySequence<byte> block = reader.UnreadSequence.Slice(0, blockLength);
            if (!TryForwardStorage(line, in request, in block))
            {
                StorageCommands.Complete(_context, in request, line, block, _held);
            }
            reader.Advance(blockLength);
            CommandDone(output);
            return;
        }
        _pending.Start(PendingKind.Text, line, blockLength);
        _pending.TryFill(ref reader);
    }

    private void ProcessMeta(ReadOnlySpan<byte> line, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        long blockLength = Math.Max(0, MetaCommands.Frame(line, _context, _held, out bool rejected));
        if (rejected)
        {
            _swallowRemaining = blockLength;
            if (blockLength == 0)
            {
                CommandDone(output);
            }
            return;
        }
        if (reader.Remaining >= blockLength)
        {
            ReadOnlySequence<byte> block = blockLength == 0 ? ReadOnlySequence<byte>.Empty : reader.UnreadSequence.Slice(0, blockLength);
            if (!TryForwardMeta(line, in block))
            {
                MetaCommands.Execute(line, block, _context, _held);
            }
            reader.Advance(blockLength);
            FinishMeta(line, output);
            return;
        }
        if (blockLength > Array.MaxLength)
        {
            // Frame never admits a block this size; if it did, discard it rather than try to buffer it.
            _swallowRemaining = blockLength;
            return;
        }
        _pending.Start(PendingKind.Meta, line, (int)blockLength);
        _pending.TryFill(ref reader);
    }

    private void FinishMeta(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (line.StartsWith("mn"u8))
        {
            // mn exists to make memcached send everything it holds.
            _held.FlushTo(output);
            _unsentCommands = 0;
        }
        CommandDone(output);
    }

    private void CompletePending()
    {
        ReadOnlySpan<byte> line = _pending.Line;
        ReadOnlySequence<byte> data = _pending.Data;
        if (_pending.Kind == PendingKind.Meta)
        {
            if (!TryForwardMeta(line, in data))
            {
                MetaCommands.Execute(line, data, _context, _held);
            }
        }
        else
        {
            // Parsing is pure, so parsing the saved line again yields the request that was admitted.
            TextCommandParser.Parse(line, out TextRequest request);
            if (!TryForwardStorage(line, in request, in data))
            {
                StorageCommands.Complete(_context, in request, line, data, _held);
            }
        }
        _pending.Release();
    }

    /// <summary>Commands with keys a cluster routes (the storage commands go through <see cref="TryForwardStorage"/>).</summary>
    private static bool ForwardsKeyCommand(in TextRequest request) =>
        request.IsRetrieval || request.Command is MemcacheCommand.Delete or MemcacheCommand.Incr or MemcacheCommand.Decr or MemcacheCommand.Touch;

    private bool TryForwardStorage(ReadOnlySpan<byte> line, in TextRequest request, in ReadOnlySequence<byte> block)
    {
        return _assembler is not null && TextForwarding.TryForwardStorage(_routing!, _assembler, _held, line, in request, in block);
    }

    private bool TryForwardMeta(ReadOnlySpan<byte> line, in ReadOnlySequence<byte> block)
    {
        return _assembler is not null && TextForwarding.TryForwardMeta(_routing!, _assembler, _held, line, in block, _context.MaxKeyLength);
    }

    /// <summary>
    /// After each command, as memcached's conn_new_cmd: once it has run its quota of commands for a read event it
    /// sends what it holds and yields (counted in conn_yields). Trove's Process then returns, so the caller writes
    /// the replies (waiting for a client that does not read them) before it runs more: a pipeline of large gets
    /// from a client that never reads costs at most a quota's replies of memory, not the whole pipeline's.
    /// </summary>
    private void CommandDone(IBufferWriter<byte> output)
    {
        _unsentCommands++;
        if (_quota.CommandDone())
        {
            _held.FlushTo(output);
            _unsentCommands = 0;
            _context.Counters.Add(ProtocolCounter.ConnYields);
        }
    }


    /// <summary>The raw line as one span, copying only when it arrived split across segments.</summary>
    private ReadOnlySpan<byte> Flatten(ReadOnlySequence<byte> rawLine)
    {
        if (rawLine.IsSingleSegment)
        {
            return rawLine.FirstSpan;
        }
        int length = (int)rawLine.Length;
        if (_lineCopy.Length < length)
        {
            _lineCopy = new byte[Math.Max(length, 2 * _lineCopy.Length)];
        }
        rawLine.CopyTo(_lineCopy);
        return _lineCopy.AsSpan(0, length);
    }
}

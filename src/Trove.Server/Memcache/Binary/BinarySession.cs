using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Cluster;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// The binary protocol state of one connection, without I/O: the sibling of <see cref="MemcacheSession"/>, chosen by
/// <see cref="ConnectionSession"/> when the first byte is 0x80. Each request is framed (<see cref="BinaryRequestParser"/>),
/// checked against memcached's length rules (<see cref="BinaryRequestShape"/>) and executed by the Binary* command
/// classes, which write their replies.
/// </summary>
/// <remarks>
/// Replies are released when memcached 1.6.18 sends them: held until the input runs dry, after a noop or an error,
/// and every 20 commands, where the session also yields (returns with the rest of the input unexamined); not while
/// a value is still arriving or being discarded. A header with a bad magic closes the
/// connection and drops what was held. Not thread safe: one connection calls it at a time.
/// </remarks>
public sealed class BinarySession : IProtocolSession
{
    private readonly ServerContext _context;
    private readonly ClientConnection? _connection;
    private readonly HeldReplies _held = new();
    private readonly PendingBlock _pending = new();
    private readonly BinaryStats _stats;

    /// <summary>SASL state when an auth file is configured; null when no authentication is asked.</summary>
    private readonly BinarySasl? _sasl;

    /// <summary>The node's request routing in a cluster; null on a lone node and in sessions serving other nodes.</summary>
    private readonly ClusterRouting? _routing;

    /// <summary>This batch's output when requests may be forwarded, else null.</summary>
    private ReplyAssembler? _assembler;

    /// <summary>
    /// Header, extras and key of the current request, copied into one span: 24 + 255 + 250 bytes, enough for every
    /// memcached key. A longer key (store mode) grows it once to the node's key limit, for the connection's life.
    /// </summary>
    private byte[] _frame = new byte[FrameLength(BinaryRequestShape.MaxKeyLength)];

    /// <summary>Value bytes still to discard as they arrive (memcached's conn_swallow).</summary>
    private long _swallowRemaining;

    /// <summary>memcached's reqs_per_event: where this connection's read event yields.</summary>
    private ReadEventQuota _quota;

    public BinarySession(ServerContext context)
        : this(context, connection: null)
    {
    }

    /// <param name="context">The node's shared state.</param>
    /// <param name="connection">This connection's entry from <see cref="ServerContext.Connections"/>, or null.</param>
    public BinarySession(ServerContext context, ClientConnection? connection)
        : this(context, connection, peer: false)
    {
    }

    private BinarySession(ServerContext context, ClientConnection? connection, bool peer)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _connection = connection;
        _stats = new BinaryStats(context, connection);
        if (peer)
        {
            return; // the data stream's envelope proved the sender a member; its requests run here
        }
        _routing = context.Routing;
        if (context.Credentials is { } credentials)
        {
            _sasl = new BinarySasl(credentials, connection);
        }
    }

    /// <summary>A session for requests another node forwarded: no authentication, and every request runs on this node.</summary>
    internal static BinarySession ForPeer(ServerContext context) => new(context, connection: null, peer: true);

    public SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined)
    {
        var reader = new SequenceReader<byte>(input);
        _assembler = _routing is { Routes.Solo: false } ? output as ReplyAssembler : null;
        BinaryNext next = BinaryNext.Continue;
        bool hangUp = false;
        _quota.BeginEvent();
        bool yielded = false;
        _connection?.MarkActive(_context.Engine.Now);
        while (next != BinaryNext.Close && !hangUp)
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
            if (_pending.Kind == PendingKind.Binary)
            {
                if (!_pending.TryFill(ref reader))
                {
                    break;
                }
                next = CompletePending();
                Release(next, output);
                continue;
            }
            if (reader.End)
            {
                break;
            }

            OperationStatus framing = BinaryRequestParser.TryParse(ref reader, out BinaryRequest request, out BinaryParseError error);
            if (framing == OperationStatus.NeedMoreData)
            {
                break;
            }
            if (error == BinaryParseError.BadMagic)
            {
                hangUp = true; // memcached closes without a reply and without sending what it held
                break;
            }
            if (error == BinaryParseError.BodyTooShort)
            {
                BinaryResponseWriter.WriteError(_held, request.Header.Opcode, BinaryStatus.UnknownCommand, request.Header.Opaque);
                next = BinaryNext.Close;
                break;
            }
            next = Dispatch(in request, ref reader);
            Release(next, output);
        }

        if (hangUp)
        {
            _held.Discard();
        }
        else if (next == BinaryNext.Close || (_swallowRemaining == 0 && _pending.Kind == PendingKind.None))
        {
            // memcached sends what it holds once it runs out of input, but not while it reads or discards a value.
            _held.FlushTo(output);
        }
        consumed = reader.Position;
        // After a yield the rest of the input is unexamined, so the caller's next read returns it at once.
        examined = yielded ? reader.Position : input.End;
        _connection?.MarkIdle(swallowing: _swallowRemaining > 0, readingValue: _pending.Kind != PendingKind.None);
        return hangUp || next == BinaryNext.Close ? SessionResult.Close : SessionResult.Continue;
    }

    private BinaryNext Dispatch(in BinaryRequest request, ref SequenceReader<byte> reader)
    {
        BinaryHeader header = request.Header;
        // memcached checks authentication before the request's shape (dispatch_bin_command).
        if (_sasl is { Authenticated: false } && !BinarySasl.AllowedBeforeAuthentication(header.Command))
        {
            return BinarySasl.Refuse(in header, _held);
        }

        switch (BinaryRequestShape.Of(in header, _context.MaxKeyLength))
        {
            case BinaryShape.InvalidArguments:
                BinaryResponseWriter.WriteError(_held, header.Opcode, BinaryStatus.InvalidArguments, header.Opaque);
                return BinaryNext.Close;
            case BinaryShape.UnknownCommand:
                // memcached discards the whole body length after the extras and key it has already read.
                return Refuse(in header, unchecked((int)header.BodyLength));
        }

        // Only now is the key known to be within the node's limit, so the frame buffer may grow to it.
        ReadOnlySpan<byte> frame = Frame(in request);
        ReadOnlySpan<byte> extras = frame.Slice(BinaryHeader.Size, header.ExtrasLength);
        ReadOnlySpan<byte> key = frame[(BinaryHeader.Size + header.ExtrasLength)..];
        if (_assembler is not null && BinaryForwarding.Routes(header.Command) && !IsStore(header.Command)
            && BinaryForwarding.TryForward(_routing!, _assembler, _held, in header, frame, key, ReadOnlySequence<byte>.Empty))
        {
            return BinaryNext.Continue;
        }

        BinaryOpcode command = BinaryOpcodes.Loud(header.Command);
        if (command is BinaryOpcode.Delete or BinaryOpcode.Increment or BinaryOpcode.Decrement or BinaryOpcode.Touch or BinaryOpcode.Gat or BinaryOpcode.GatK
            && _context.Store?.RefusingWrites is not null)
        {
            // Store mode after a log failure: writes are refused before they change anything (storage ones in Admit).
            return BinaryKeyCommands.Error(in header, BinaryStatus.TemporaryFailure, _held);
        }

        switch (command)
        {
            case BinaryOpcode.Get or BinaryOpcode.GetK or BinaryOpcode.Touch or BinaryOpcode.Gat or BinaryOpcode.GatK:
                return BinaryKeyCommands.GetOrTouch(_context, in header, extras, key, _held);
            case BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace or BinaryOpcode.Append or BinaryOpcode.Prepend:
                return Store(in header, frame, extras, key, ref reader);
            case BinaryOpcode.Delete:
                return BinaryKeyCommands.Delete(_context, in header, key, _held);
            case BinaryOpcode.Increment or BinaryOpcode.Decrement:
                return BinaryKeyCommands.Arithmetic(_context, in header, extras, key, _held);
            case BinaryOpcode.Flush:
                return BinaryServerCommands.Flush(_context, in header, extras, _held);
            case BinaryOpcode.Noop:
                return BinaryServerCommands.Noop(in header, _held);
            case BinaryOpcode.Version:
                return BinaryServerCommands.Version(_context, in header, _held);
            case BinaryOpcode.Quit:
                return BinaryServerCommands.Quit(in header, _held);
            case BinaryOpcode.Stat:
                return _stats.Execute(in header, key, _held);
            case BinaryOpcode.SaslListMechs when _sasl is not null:
                return BinarySasl.ListMechanisms(in header, _held);
            case BinaryOpcode.SaslAuth or BinaryOpcode.SaslStep when _sasl is not null:
                return Authenticate(in header, frame, key, ref reader);
            default:
                // SASL list/auth/step with authentication off: memcached answers as for an unknown command and
                // discards the value (the body after the key).
                return Refuse(in header, unchecked((int)(header.BodyLength - header.KeyLength)));
        }
    }

    private BinaryNext Store(in BinaryHeader header, scoped ReadOnlySpan<byte> frame, scoped ReadOnlySpan<byte> extras, scoped ReadOnlySpan<byte> key, ref SequenceReader<byte> reader)
    {
        if (!BinaryStorage.Admit(_context, in header, extras, key, _held, out int swallow))
        {
            _swallowRemaining = swallow;
            return swallow > 0 ? BinaryNext.Continue : BinaryNext.Send;
        }
        int length = BinaryStorage.ValueLength(in header);
        if (reader.Remaining >= length)
        {
            ReadOnlySequence<byte> value = reader.UnreadSequence.Slice(0, length);
            BinaryNext next = _assembler is not null && BinaryForwarding.TryForward(_routing!, _assembler, _held, in header, frame, key, value)
                ? BinaryNext.Continue
                : BinaryStorage.Complete(_context, in header, extras, key, value, _held);
            reader.Advance(length);
            return next;
        }
        _pending.Start(PendingKind.Binary, frame, length);
        _pending.TryFill(ref reader);
        return BinaryNext.Continue;
    }

    /// <summary>A SASL auth or step request: the mechanism is the key, the client's message the value.</summary>
    private BinaryNext Authenticate(in BinaryHeader header, scoped ReadOnlySpan<byte> frame, scoped ReadOnlySpan<byte> key, ref SequenceReader<byte> reader)
    {
        int length = unchecked((int)(header.BodyLength - header.KeyLength));
        if (key.Length > BinarySasl.MaxMechanismLength)
        {
            BinaryResponseWriter.WriteError(_held, header.Opcode, BinaryStatus.InvalidArguments, header.Opaque);
            _swallowRemaining = Math.Max(length, 0);
            return _swallowRemaining > 0 ? BinaryNext.Continue : BinaryNext.Send;
        }
        if (length < 0 || length > BinarySasl.MaxMessageLength)
        {
            // Too long for any PLAIN message: failed without buffering it, then discarded as it arrives.
            BinaryNext failed = _sasl!.Complete(_context, in header, key, ReadOnlySequence<byte>.Empty, _held);
            _swallowRemaining = Math.Max(length, 0);
            return _swallowRemaining > 0 ? BinaryNext.Continue : failed;
        }
        if (reader.Remaining >= length)
        {
            BinaryNext next = _sasl!.Complete(_context, in header, key, reader.UnreadSequence.Slice(0, length), _held);
            reader.Advance(length);
            return next;
        }
        _pending.Start(PendingKind.Binary, frame, length);
        _pending.TryFill(ref reader);
        return BinaryNext.Continue;
    }

    private BinaryNext CompletePending()
    {
        ReadOnlySpan<byte> frame = _pending.Line;
        BinaryHeader header = BinaryHeader.Read(frame);
        ReadOnlySpan<byte> extras = frame.Slice(BinaryHeader.Size, header.ExtrasLength);
        ReadOnlySpan<byte> key = frame[(BinaryHeader.Size + header.ExtrasLength)..];
        BinaryNext next = header.Command is BinaryOpcode.SaslAuth or BinaryOpcode.SaslStep
            ? _sasl!.Complete(_context, in header, key, _pending.Data, _held)
            : _assembler is not null && BinaryForwarding.TryForward(_routing!, _assembler, _held, in header, frame, key, _pending.Data)
                ? BinaryNext.Continue
                : BinaryStorage.Complete(_context, in header, extras, key, _pending.Data, _held);
        _pending.Release();
        return next;
    }

    private static bool IsStore(BinaryOpcode opcode) =>
        BinaryOpcodes.Loud(opcode) is BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace or BinaryOpcode.Append or BinaryOpcode.Prepend;

    /// <summary>"Unknown command", then <paramref name="swallow"/> bytes are discarded (none when memcached's int is negative).</summary>
    private BinaryNext Refuse(in BinaryHeader header, int swallow)
    {
        BinaryResponseWriter.WriteError(_held, header.Opcode, BinaryStatus.UnknownCommand, header.Opaque);
        _swallowRemaining = Math.Max(swallow, 0);
        return _swallowRemaining > 0 ? BinaryNext.Continue : BinaryNext.Send;
    }

    private static int FrameLength(int maxKeyLength) => BinaryHeader.Size + byte.MaxValue + maxKeyLength;

    /// <summary>Header, extras and key copied into one span (into a buffer the session keeps; the key is within the node's limit).</summary>
    private ReadOnlySpan<byte> Frame(in BinaryRequest request)
    {
        BinaryHeader header = request.Header;
        int length = BinaryHeader.Size + header.ExtrasLength + header.KeyLength;
        if (length > _frame.Length)
        {
            _frame = new byte[FrameLength(_context.MaxKeyLength)];
        }
        header.Write(_frame);
        request.Extras.CopyTo(_frame.AsSpan(BinaryHeader.Size));
        request.Key.CopyTo(_frame.AsSpan(BinaryHeader.Size + header.ExtrasLength));
        return _frame.AsSpan(0, length);
    }

    /// <summary>After a command: send now when it asks to; otherwise only on memcached's every-20-commands yield.</summary>
    private void Release(BinaryNext next, IBufferWriter<byte> output)
    {
        if (next == BinaryNext.Send)
        {
            _held.FlushTo(output);
        }
        if (next != BinaryNext.Close && _swallowRemaining == 0 && _pending.Kind == PendingKind.None)
        {
            CommandDone(output);
        }
    }

    /// <summary>
    /// As memcached's conn_new_cmd: after its quota of commands for a read event it sends what it holds and yields
    /// (conn_yields). Process then returns, so the handler writes the replies (waiting for a client that does not
    /// read them) before more run: a deep pipeline of large gets costs a quota's replies of memory.
    /// </summary>
    private void CommandDone(IBufferWriter<byte> output)
    {
        if (_quota.CommandDone())
        {
            _held.FlushTo(output);
            _context.Counters.Add(ProtocolCounter.ConnYields);
        }
    }
}

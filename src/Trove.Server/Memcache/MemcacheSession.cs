using System.Buffers;
using Trove.Protocol.Text;
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
public sealed class MemcacheSession
{
    private readonly ServerContext _context;
    private readonly ClientConnection? _connection;
    private readonly PendingBlock _pending = new();

    /// <summary>
    /// Commands run in the current batch since the last retrieval. memcached sends replies when a batch ends or
    /// after a get, so these are the replies it would still hold when a command needs an empty reply queue.
    /// </summary>
    private int _unsentCommands;

    /// <summary>Bytes of a rejected value still to discard as they arrive (memcached's conn_swallow).</summary>
    private long _swallowRemaining;

    /// <summary>Holds a command line that arrived split across buffer segments.</summary>
    private byte[] _lineCopy = [];

    /// <summary>A line copy above this size (a huge multi-get) is dropped after use instead of kept by the connection.</summary>
    private const int RetainedLineCopyCapacity = 16 * 1024;

    public MemcacheSession(ServerContext context)
        : this(context, connection: null)
    {
    }

    /// <summary>A session whose state is shown by "stats conns" through <paramref name="connection"/>.</summary>
    /// <param name="context">The node's shared state.</param>
    /// <param name="connection">This connection's entry from <see cref="ServerContext.Connections"/>, or null.</param>
    public MemcacheSession(ServerContext context, ClientConnection? connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _connection = connection;
    }

    /// <summary>
    /// Parses and executes every complete request in input, appending replies to output (never flushes).
    /// consumed/examined follow PipeReader.AdvanceTo semantics (on a partial request consume nothing more, examine to the end).
    /// </summary>
    public SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined)
    {
        var reader = new SequenceReader<byte>(input);
        SessionResult result = SessionResult.Continue;
        _unsentCommands = 0;
        MarkActive();
        while (result == SessionResult.Continue)
        {
            if (_swallowRemaining > 0)
            {
                long discarded = Math.Min(_swallowRemaining, reader.Remaining);
                reader.Advance(discarded);
                _swallowRemaining -= discarded;
                if (_swallowRemaining > 0)
                {
                    break;
                }
            }
            if (_pending.Kind != PendingKind.None)
            {
                if (!_pending.TryFill(ref reader))
                {
                    break;
                }
                CompletePending(output);
                continue;
            }
            if (reader.End)
            {
                break;
            }

            OperationStatus framing = TextLineReader.TryReadLine(ref reader, out ReadOnlySequence<byte> rawLine);
            if (framing == OperationStatus.NeedMoreData)
            {
                break;
            }
            if (framing != OperationStatus.Done)
            {
                result = SessionResult.Close; // junk without a newline: memcached hangs up
                break;
            }
            result = ProcessLine(TextCommandParser.CommandText(Flatten(rawLine)), ref reader, output);
            if (_lineCopy.Length > RetainedLineCopyCapacity)
            {
                _lineCopy = [];
            }
        }

        consumed = reader.Position;
        examined = input.End;
        MarkIdle();
        return result;
    }

    private void MarkActive()
    {
        if (_connection is not null)
        {
            _connection.State = ConnectionState.ParseCommand;
            _connection.LastCommandTime = _context.Engine.Now;
        }
    }

    private void MarkIdle()
    {
        if (_connection is not null)
        {
            _connection.State = _swallowRemaining > 0 ? ConnectionState.Swallow
                : _pending.Kind != PendingKind.None ? ConnectionState.ReadValue
                : ConnectionState.Read;
        }
    }

    private SessionResult ProcessLine(ReadOnlySpan<byte> line, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        TextCommandParser.Parse(line, out TextRequest request);
        if (request.Command == MemcacheCommand.Meta)
        {
            // "mn" makes memcached send everything it holds; other meta commands leave their replies queued.
            _unsentCommands = line.StartsWith("mn"u8) ? 0 : _unsentCommands + 1;
            return ProcessMeta(line, ref reader, output);
        }
        if (request.Error == TextError.None && request.HasDataBlock)
        {
            _unsentCommands++;
            ProcessStorage(line, in request, ref reader, output);
            return SessionResult.Continue;
        }
        SessionResult result = TextCommandHandler.Execute(_context, in request, line, output, _connection, _unsentCommands > 0);
        _unsentCommands = request.IsRetrieval ? 0 : _unsentCommands + 1;
        return result;
    }

    private void ProcessStorage(ReadOnlySpan<byte> line, in TextRequest request, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (!StorageCommands.Admit(_context, in request, line, output))
        {
            _swallowRemaining = request.DataLength + 2L;
            return;
        }
        int blockLength = request.DataLength + 2;
        if (reader.Remaining >= blockLength)
        {
            StorageCommands.Complete(_context, in request, line, reader.UnreadSequence.Slice(0, blockLength), output);
            reader.Advance(blockLength);
            return;
        }
        _pending.Start(PendingKind.Text, line, blockLength);
        _pending.TryFill(ref reader);
    }

    private SessionResult ProcessMeta(ReadOnlySpan<byte> line, ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        long blockLength = MetaCommands.Frame(line, _context, output, out bool rejected);
        if (rejected)
        {
            _swallowRemaining = blockLength;
            return SessionResult.Continue;
        }
        if (blockLength == 0)
        {
            MetaCommands.Execute(line, ReadOnlySequence<byte>.Empty, _context, output);
            return SessionResult.Continue;
        }
        if (reader.Remaining >= blockLength)
        {
            MetaCommands.Execute(line, reader.UnreadSequence.Slice(0, blockLength), _context, output);
            reader.Advance(blockLength);
            return SessionResult.Continue;
        }
        if (blockLength > Array.MaxLength)
        {
            return SessionResult.Close; // cannot happen for a framed item; never buffer an impossible block
        }
        _pending.Start(PendingKind.Meta, line, (int)blockLength);
        _pending.TryFill(ref reader);
        return SessionResult.Continue;
    }

    private void CompletePending(IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> line = _pending.Line;
        if (_pending.Kind == PendingKind.Meta)
        {
            MetaCommands.Execute(line, _pending.Data, _context, output);
        }
        else
        {
            // Parsing is pure, so parsing the saved line again yields the request that was admitted.
            TextCommandParser.Parse(line, out TextRequest request);
            StorageCommands.Complete(_context, in request, line, _pending.Data, output);
        }
        _pending.Release();
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

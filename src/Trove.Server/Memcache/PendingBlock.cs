using System.Buffers;

namespace Trove.Server.Memcache;

/// <summary>Which kind of command a <see cref="PendingBlock"/> belongs to.</summary>
internal enum PendingKind : byte
{
    None,
    /// <summary>A text storage command (set, add, ...): the line is parsed again when its data is complete.</summary>
    Text,
    /// <summary>A meta command framed by MetaCommands.Frame and not rejected.</summary>
    Meta,
    /// <summary>A binary storage command: the "line" is its header, extras and key, read again when the value is complete.</summary>
    Binary,
}

/// <summary>
/// A command line whose data block has only partly arrived. The line and the bytes received so far are copied out
/// of the connection's input so the input can be consumed as it arrives: the pipe then never has to hold a whole
/// large value (which could exceed its buffer limit and stall the connection), and the value is buffered exactly
/// once, in an array rented for its declared size and returned as soon as the command has run.
/// </summary>
internal sealed class PendingBlock
{
    /// <summary>Line buffers above this size are dropped after use rather than kept by an idle connection.</summary>
    private const int RetainedLineCapacity = 4096;

    private byte[] _line = [];
    private int _lineLength;
    private byte[]? _data;
    private int _dataLength;
    private int _filled;

    public PendingKind Kind { get; private set; }

    public ReadOnlySpan<byte> Line => _line.AsSpan(0, _lineLength);

    /// <summary>The complete data block (valid once <see cref="TryFill"/> returned true, until <see cref="Release"/>).</summary>
    public ReadOnlySequence<byte> Data => new(_data ?? [], 0, _dataLength);

    /// <summary>Starts waiting for <paramref name="dataLength"/> bytes that belong to <paramref name="line"/>.</summary>
    public void Start(PendingKind kind, ReadOnlySpan<byte> line, int dataLength)
    {
        if (_line.Length < line.Length)
        {
            _line = new byte[Math.Max(line.Length, 256)];
        }
        line.CopyTo(_line);
        _lineLength = line.Length;
        _data = ArrayPool<byte>.Shared.Rent(dataLength);
        _dataLength = dataLength;
        _filled = 0;
        Kind = kind;
    }

    /// <summary>Moves as much of the missing data as <paramref name="reader"/> holds; true when the block is complete.</summary>
    public bool TryFill(ref SequenceReader<byte> reader)
    {
        int wanted = _dataLength - _filled;
        int available = (int)Math.Min(wanted, reader.Remaining);
        reader.UnreadSequence.Slice(0, available).CopyTo(_data.AsSpan(_filled, available));
        reader.Advance(available);
        _filled += available;
        return _filled == _dataLength;
    }

    /// <summary>Returns the data buffer and forgets the command.</summary>
    public void Release()
    {
        if (_data is not null)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = null;
        }
        if (_line.Length > RetainedLineCapacity)
        {
            _line = [];
        }
        _lineLength = 0;
        _dataLength = 0;
        _filled = 0;
        Kind = PendingKind.None;
    }
}

namespace Trove.Protocol.Text;

/// <summary>
/// The keys of a retrieval command: every space-separated token from <see cref="TextRequest.KeysStart"/> to the end
/// of the line. memcached reads them 23 tokens at a time and re-tokenizes the rest, which yields the same keys.
/// </summary>
public ref struct TextKeyEnumerator
{
    private readonly ReadOnlySpan<byte> _line;
    private int _position;

    public TextKeyEnumerator(ReadOnlySpan<byte> line, int start)
    {
        _line = line;
        _position = start;
    }

    /// <summary>The current key, as an offset into the line.</summary>
    public TextToken Current { get; private set; }

    public readonly TextKeyEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_position < _line.Length && _line[_position] == ' ')
        {
            _position++;
        }
        if (_position >= _line.Length)
        {
            return false;
        }
        int space = _line.Slice(_position).IndexOf((byte)' ');
        int length = space < 0 ? _line.Length - _position : space;
        Current = new TextToken(_position, length);
        _position += length;
        return true;
    }
}

namespace Trove.Protocol.Meta;

/// <summary>
/// Walks the tokens of a command line the way memcached's tokenizer splits it: on single spaces only (tabs and
/// other bytes belong to tokens), with runs of spaces producing no empty tokens. Usable with foreach.
/// </summary>
public ref struct MetaTokens
{
    private ReadOnlySpan<byte> _rest;

    public MetaTokens(ReadOnlySpan<byte> text)
    {
        _rest = text;
        Current = default;
    }

    /// <summary>The token found by the last successful <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>The text after <see cref="Current"/> (starting at the space that ended it, if any).</summary>
    public readonly ReadOnlySpan<byte> Remaining => _rest;

    public readonly MetaTokens GetEnumerator() => this;

    public bool MoveNext()
    {
        int start = 0;
        while (start < _rest.Length && _rest[start] == ' ')
        {
            start++;
        }
        if (start == _rest.Length)
        {
            _rest = default;
            Current = default;
            return false;
        }
        ReadOnlySpan<byte> tail = _rest[start..];
        int end = tail.IndexOf((byte)' ');
        if (end < 0)
        {
            end = tail.Length;
        }
        Current = tail[..end];
        _rest = tail[end..];
        return true;
    }

    /// <summary>Counts the tokens of <paramref name="text"/>.</summary>
    public static int Count(ReadOnlySpan<byte> text)
    {
        int count = 0;
        foreach (ReadOnlySpan<byte> _ in new MetaTokens(text))
        {
            count++;
        }
        return count;
    }
}

using System.Text;

namespace Trove.Bench;

/// <summary>
/// Writes memcached text-protocol requests straight into a caller's buffer. Keys are the prefix
/// plus the key index zero-padded to a fixed width, so every key (and so every item) has the
/// same size and nothing is formatted through strings on the hot path. With a key list
/// (<c>--keys-file</c>) key i is the list's i-th entry instead.
/// </summary>
internal sealed class RequestWriter
{
    private static ReadOnlySpan<byte> GetVerb => "get "u8;
    private static ReadOnlySpan<byte> SetVerb => "set "u8;
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private readonly byte[] _prefix;
    private readonly int _digits;
    private readonly byte[] _setTail;   // " 0 0 <bytes>\r\n": flags 0, no expiry
    private readonly byte[] _value;
    private readonly byte[][]? _keyList;  // --keys-file: key i is _keyList[i]
    private readonly int _keyLength;

    public RequestWriter(string keyPrefix, int keys, int valueSize, IReadOnlyList<string>? keyList = null)
    {
        _prefix = Encoding.ASCII.GetBytes(keyPrefix);
        _digits = DigitCount(Math.Max(keys - 1, 0));
        _keyList = keyList?.Select(Encoding.ASCII.GetBytes).ToArray();
        _keyLength = _keyList is null ? _prefix.Length + _digits : _keyList.Max(k => k.Length);
        _setTail = Encoding.ASCII.GetBytes($" 0 0 {valueSize}\r\n");
        _value = new byte[valueSize];
        for (var i = 0; i < _value.Length; i++)
        {
            _value[i] = (byte)('a' + i % 26); // printable, so a captured stream is readable
        }
    }

    /// <summary>Length in bytes of every key (with a key list: of the longest).</summary>
    public int KeyLength => _keyLength;

    public int ValueSize => _value.Length;

    /// <summary>Bytes of one get request.</summary>
    public int GetLength => GetVerb.Length + KeyLength + CrLf.Length;

    /// <summary>Bytes of one set request, value included.</summary>
    public int SetLength => SetVerb.Length + KeyLength + _setTail.Length + _value.Length + CrLf.Length;

    /// <summary>Room one request of either kind can need.</summary>
    public int MaxRequestLength => Math.Max(GetLength, SetLength);

    /// <summary>Writes "get &lt;key&gt;\r\n" at the start of <paramref name="destination"/>; returns bytes written.</summary>
    public int WriteGet(Span<byte> destination, int key)
    {
        GetVerb.CopyTo(destination);
        var at = GetVerb.Length;
        at += WriteKey(destination[at..], key);
        CrLf.CopyTo(destination[at..]);
        return at + CrLf.Length;
    }

    /// <summary>Writes "set &lt;key&gt; 0 0 &lt;n&gt;\r\n&lt;value&gt;\r\n"; returns bytes written.</summary>
    public int WriteSet(Span<byte> destination, int key)
    {
        SetVerb.CopyTo(destination);
        var at = SetVerb.Length;
        at += WriteKey(destination[at..], key);
        _setTail.CopyTo(destination[at..]);
        at += _setTail.Length;
        _value.CopyTo(destination[at..]);
        at += _value.Length;
        CrLf.CopyTo(destination[at..]);
        return at + CrLf.Length;
    }

    /// <summary>Writes the key for index <paramref name="key"/>; returns bytes written.</summary>
    public int WriteKey(Span<byte> destination, int key)
    {
        if (_keyList is not null)
        {
            _keyList[key].CopyTo(destination);
            return _keyList[key].Length;
        }
        _prefix.CopyTo(destination);
        var digits = destination.Slice(_prefix.Length, _digits);
        var rest = (uint)key;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        return KeyLength;
    }

    private static int DigitCount(int value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }
        return count;
    }
}

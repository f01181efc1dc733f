using System.Buffers.Text;

namespace Trove.Protocol.Meta;

/// <summary>
/// Builds one meta reply line into a caller-provided buffer (no allocation). The buffer must be large enough:
/// <see cref="MaxLineLength"/> holds any meta reply line memcached can produce.
/// </summary>
public ref struct MetaLineWriter
{
    /// <summary>Upper bound of a meta reply line: a code and size, at most 19 flags of which one is a key
    /// (base64 and " b" included) and one an opaque, and the Z/X/W markers.</summary>
    public const int MaxLineLength = 1024;

    private readonly Span<byte> _buffer;
    private int _length;

    public MetaLineWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    /// <summary>Appends a space and the flag character, as in " t".</summary>
    public void AppendFlag(byte flag)
    {
        _buffer[_length] = (byte)' ';
        _buffer[_length + 1] = flag;
        _length += 2;
    }

    public void AppendSpace()
    {
        _buffer[_length++] = (byte)' ';
    }

    public void AppendNumber(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_length..], out int written);
        _length += written;
    }

    public void AppendNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer[_length..], out int written);
        _length += written;
    }

    /// <summary>Appends " k" and the key; a binary key is written base64 encoded and followed by " b".</summary>
    public void AppendKey(scoped ReadOnlySpan<byte> key, bool binary)
    {
        AppendFlag((byte)'k');
        if (!binary)
        {
            Append(key);
            return;
        }
        AppendBase64(key);
        AppendFlag((byte)'b');
    }

    /// <summary>Appends <paramref name="bytes"/> base64 encoded.</summary>
    public void AppendBase64(scoped ReadOnlySpan<byte> bytes)
    {
        _length += MetaBase64.Encode(bytes, _buffer[_length..]);
    }

    public void AppendLineEnd()
    {
        _buffer[_length] = (byte)'\r';
        _buffer[_length + 1] = (byte)'\n';
        _length += 2;
    }
}

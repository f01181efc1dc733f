using System.Buffers.Text;
using System.Text;

namespace Trove.Bench;

/// <summary>
/// Incremental parser of memcached text-protocol replies to get and set. It is fed whatever the
/// socket delivered; value data is skipped without being buffered (it may span any number of
/// receives), while a reply line is only read once it is complete in the buffer, so the caller
/// keeps the unconsumed tail and appends the next receive to it.
/// </summary>
internal struct ReplyParser
{
    private long _dataRemaining;      // value bytes still to skip
    private bool _expectDataEnd;      // the "\r\n" after a value block is due
    private bool _sawValue;           // this get reply has had a VALUE block

    /// <summary>Longest reply line accepted; a longer one means the stream is not memcached's.</summary>
    public const int MaxLineLength = 2048;

    /// <summary>Data length of the most recent VALUE line (to check the server returned what was stored).</summary>
    public long LastValueLength { get; private set; }

    /// <summary>The line of the most recent <see cref="ReplyKind.Error"/> reply.</summary>
    public string? LastErrorLine { get; private set; }

    /// <summary>
    /// Consumes bytes of <paramref name="data"/> until one reply is complete (true) or more data
    /// is needed (false). <paramref name="consumed"/> is how much may be dropped either way.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid reply.</exception>
    public bool TryRead(ReadOnlySpan<byte> data, out int consumed, out ReplyKind kind)
    {
        consumed = 0;
        kind = default;
        while (true)
        {
            if (_dataRemaining > 0)
            {
                var take = (int)Math.Min(_dataRemaining, data.Length - consumed);
                consumed += take;
                _dataRemaining -= take;
                if (_dataRemaining > 0)
                {
                    return false;
                }
            }
            if (_expectDataEnd)
            {
                if (data.Length - consumed < 2)
                {
                    return false;
                }
                if (data[consumed] != '\r' || data[consumed + 1] != '\n')
                {
                    throw new InvalidDataException("value data is not followed by \\r\\n");
                }
                consumed += 2;
                _expectDataEnd = false;
            }

            var rest = data[consumed..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (rest.Length > MaxLineLength)
                {
                    throw new InvalidDataException($"reply line longer than {MaxLineLength} bytes");
                }
                return false;
            }
            if (newline == 0 || rest[newline - 1] != '\r')
            {
                throw new InvalidDataException($"reply line not ended by \\r\\n: {Show(rest[..(newline + 1)])}");
            }
            var line = rest[..(newline - 1)];
            consumed += newline + 1;

            if (line.StartsWith("VALUE "u8))
            {
                _dataRemaining = ValueLength(line);
                LastValueLength = _dataRemaining;
                _expectDataEnd = true;
                _sawValue = true;
                continue;
            }
            kind = Classify(line);
            _sawValue = false;
            return true;
        }
    }

    private ReplyKind Classify(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("END"u8))
        {
            return _sawValue ? ReplyKind.Hit : ReplyKind.Miss;
        }
        if (_sawValue)
        {
            throw new InvalidDataException($"expected END or VALUE after a value, got: {Show(line)}");
        }
        if (line.SequenceEqual("STORED"u8))
        {
            return ReplyKind.Stored;
        }
        if (line.SequenceEqual("NOT_STORED"u8) || line.SequenceEqual("EXISTS"u8) || line.SequenceEqual("NOT_FOUND"u8))
        {
            return ReplyKind.NotStored;
        }
        if (line.SequenceEqual("ERROR"u8) || line.StartsWith("CLIENT_ERROR "u8) || line.StartsWith("SERVER_ERROR "u8))
        {
            LastErrorLine = Encoding.ASCII.GetString(line); // allocates, but only on an error
            return ReplyKind.Error;
        }
        throw new InvalidDataException($"unexpected reply: {Show(line)}");
    }

    /// <summary>The &lt;bytes&gt; field of "VALUE &lt;key&gt; &lt;flags&gt; &lt;bytes&gt; [&lt;cas&gt;]".</summary>
    private static long ValueLength(ReadOnlySpan<byte> line)
    {
        var fields = line["VALUE "u8.Length..];
        for (var skip = 0; skip < 2; skip++) // key, then flags
        {
            var space = fields.IndexOf((byte)' ');
            if (space <= 0)
            {
                throw new InvalidDataException($"malformed VALUE line: {Show(line)}");
            }
            fields = fields[(space + 1)..];
        }
        var end = fields.IndexOf((byte)' ');
        var bytes = end < 0 ? fields : fields[..end];
        if (!Utf8Parser.TryParse(bytes, out long length, out var used) || used != bytes.Length || length < 0)
        {
            throw new InvalidDataException($"malformed VALUE line: {Show(line)}");
        }
        return length;
    }

    private static string Show(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes.Length > 80 ? bytes[..80] : bytes;
        var text = new StringBuilder(shown.Length + 8);
        foreach (var b in shown)
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : $"\\x{b:x2}");
        }
        if (bytes.Length > shown.Length)
        {
            text.Append("...");
        }
        return text.ToString();
    }
}

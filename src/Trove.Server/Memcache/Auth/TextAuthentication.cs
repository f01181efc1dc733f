using System.Buffers;

namespace Trove.Server.Memcache.Auth;

/// <summary>What one step of <see cref="TextAuthentication"/> did.</summary>
internal enum AuthStep
{
    /// <summary>The command or its value is not complete yet; nothing was consumed for it.</summary>
    NeedMoreData,

    /// <summary>A command was answered (rejected, or the credentials were checked).</summary>
    Answered,

    /// <summary>Junk without a newline, or a value that cannot fit memcached's read buffer: hang up.</summary>
    Close,
}

/// <summary>
/// The text protocol before a connection has authenticated, as memcached 1.6.18 with -Y: the only command is
/// <c>set &lt;key&gt; &lt;flags&gt; &lt;exptime&gt; &lt;bytes&gt;</c> whose value is <c>user password</c>; key, flags and
/// exptime are ignored and nothing is stored. Replies: <c>STORED</c> (authenticated from then on),
/// <c>CLIENT_ERROR authentication failure</c>, <c>CLIENT_ERROR bad authentication token format</c> (fewer than two
/// words), <c>CLIENT_ERROR bad command line termination</c> (value not ending in \r\n), and
/// <c>CLIENT_ERROR unauthenticated</c> to every other line, meta commands and quit included. noreply is ignored.
/// </summary>
/// <remarks>
/// memcached answers these without starting a new reply object per command, so each reply replaces the one before
/// it that was not sent yet: of several commands in one read only the last answer arrives. The session's held
/// replies reproduce that (<see cref="Answer"/> discards what is held first). auth_cmds counts checked credentials
/// and auth_errors the failures; malformed attempts count in neither.
/// </remarks>
internal sealed class TextAuthentication(CredentialStore credentials)
{
    /// <summary>memcached closes an unauthenticated connection holding more than this without a newline.</summary>
    private const int LineLimit = 2048;

    /// <summary>memcached's read buffer: the value (with its \r\n) must fit in it, or the connection is dropped.</summary>
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>Bytes of the value (with \r\n) still expected, or -1 while waiting for a command line.</summary>
    private long _valueLength = -1;

    public bool Authenticated { get; private set; }

    /// <summary>Whether a command line was read and its value is still arriving.</summary>
    public bool AwaitingValue => _valueLength >= 0;

    public AuthStep Step(ref SequenceReader<byte> reader, ServerContext context, HeldReplies held)
    {
        if (_valueLength < 0)
        {
            if (reader.Remaining < 2)
            {
                return AuthStep.NeedMoreData; // memcached looks for a command only once two bytes are buffered
            }
            if (!reader.TryReadTo(out ReadOnlySequence<byte> rawLine, (byte)'\n', advancePastDelimiter: true))
            {
                return reader.Remaining > LineLimit ? AuthStep.Close : AuthStep.NeedMoreData;
            }
            if (!TryReadValueLength(CString(rawLine), out long valueLength))
            {
                Answer(held, "CLIENT_ERROR unauthenticated\r\n"u8);
                return AuthStep.Answered;
            }
            if (valueLength > ReadBufferSize)
            {
                return AuthStep.Close;
            }
            _valueLength = valueLength;
        }

        if (reader.Remaining < _valueLength)
        {
            return AuthStep.NeedMoreData;
        }
        ReadOnlySequence<byte> block = reader.UnreadSequence.Slice(0, _valueLength);
        reader.Advance(_valueLength);
        _valueLength = -1;
        CheckCredentials(block, context, held);
        return AuthStep.Answered;
    }

    private void CheckCredentials(ReadOnlySequence<byte> block, ServerContext context, HeldReplies held)
    {
        ReadOnlySpan<byte> value = block.IsSingleSegment ? block.FirstSpan : block.ToArray();
        if (value.Length < 2 || !value.EndsWith("\r\n"u8))
        {
            Answer(held, "CLIENT_ERROR bad command line termination\r\n"u8);
            return;
        }
        ReadOnlySpan<byte> words = CString(value.Slice(0, value.Length - 2));
        ReadOnlySpan<byte> user = NextWord(ref words);
        ReadOnlySpan<byte> password = NextWord(ref words);
        if (password.IsEmpty)
        {
            Answer(held, "CLIENT_ERROR bad authentication token format\r\n"u8);
            return;
        }

        context.Counters.Add(ProtocolCounter.AuthCmds);
        if (credentials.Verify(user, password))
        {
            Authenticated = true;
            Answer(held, "STORED\r\n"u8);
        }
        else
        {
            context.Counters.Add(ProtocolCounter.AuthErrors);
            Answer(held, "CLIENT_ERROR authentication failure\r\n"u8);
        }
    }

    /// <summary>
    /// Reads the value length from "set key flags exptime bytes ..." (memcached: at least five space-separated
    /// words, the first exactly "set", the fifth a number by its safe_strtoul, truncated to 32 bits); false otherwise.
    /// </summary>
    private static bool TryReadValueLength(ReadOnlySpan<byte> line, out long valueLength)
    {
        valueLength = 0;
        ReadOnlySpan<byte> command = NextWord(ref line);
        NextWord(ref line);
        NextWord(ref line);
        NextWord(ref line);
        ReadOnlySpan<byte> bytes = NextWord(ref line);
        if (!command.SequenceEqual("set"u8) || bytes.IsEmpty || !TryParseUnsigned(bytes, out uint size))
        {
            return false;
        }
        valueLength = size + 2L;
        return true;
    }

    /// <summary>strtoul as memcached's safe_strtoul uses it: optional sign, digits, then whitespace or the end.</summary>
    private static bool TryParseUnsigned(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == '-';
            i++;
        }
        int digitsStart = i;
        ulong number = 0;
        for (; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
        {
            if (number > (ulong.MaxValue - 9) / 10)
            {
                return false; // ERANGE
            }
            number = (number * 10) + (uint)(text[i] - '0');
        }
        if (i == digitsStart || (i < text.Length && !IsSpace(text[i])))
        {
            return false;
        }
        if (negative && number != 0)
        {
            return false; // a negated number wraps to a huge one, which safe_strtoul refuses when it saw a '-'
        }
        value = unchecked((uint)number);
        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    /// <summary>The next word separated by single spaces (memcached's tokenizer skips empty words).</summary>
    private static ReadOnlySpan<byte> NextWord(ref ReadOnlySpan<byte> text)
    {
        text = text.TrimStart((byte)' ');
        int end = text.IndexOf((byte)' ');
        if (end < 0)
        {
            end = text.Length;
        }
        ReadOnlySpan<byte> word = text.Slice(0, end);
        text = text.Slice(end);
        return word;
    }

    /// <summary>memcached handles these as C strings: a NUL ends them.</summary>
    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> text)
    {
        int nul = text.IndexOf((byte)0);
        return nul < 0 ? text : text.Slice(0, nul);
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySequence<byte> line) =>
        CString(line.IsSingleSegment ? line.FirstSpan : line.ToArray());

    private static void Answer(HeldReplies held, ReadOnlySpan<byte> reply)
    {
        held.Discard();
        held.Write(reply);
    }
}

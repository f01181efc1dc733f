using System.Buffers;
using System.Buffers.Text;

namespace Trove.Protocol.Text;

/// <summary>Writes text-protocol replies with variable parts (values, numbers, stats) into an output buffer.</summary>
public static class TextReplyWriter
{
    /// <summary>"VALUE " + key + " " + flags + " " + bytes [+ " " + cas] + "\r\n" is at most this long plus the key.</summary>
    private const int MaxValueHeaderWithoutKey = 6 + 1 + 10 + 1 + 10 + 1 + 20 + 2;

    /// <summary>Longest "STAT name value\r\n" framing without name and value.</summary>
    private const int StatFraming = 5 + 1 + 2;

    /// <summary>An index (up to 11 characters with its sign) and the ':' after it.</summary>
    private const int MaxIndexedNameFraming = 12;

    /// <summary>
    /// One retrieved item: its VALUE line, the value and "\r\n". Small items go out in one copy; a value that does
    /// not fit the buffer at hand is copied in pieces rather than asking the writer for one huge block.
    /// </summary>
    public static void WriteValue(IBufferWriter<byte> output, ReadOnlySpan<byte> key, uint flags, ReadOnlySpan<byte> value, bool withCas, ulong cas)
    {
        Span<byte> span = output.GetSpan(MaxValueHeaderWithoutKey + key.Length);
        int written = WriteValueHeader(span, key, flags, value.Length, withCas, cas);
        if (span.Length - written >= value.Length + 2)
        {
            value.CopyTo(span.Slice(written));
            written += value.Length;
            "\r\n"u8.CopyTo(span.Slice(written));
            output.Advance(written + 2);
            return;
        }
        output.Advance(written);
        output.Write(value);
        output.Write("\r\n"u8);
    }

    /// <summary>A decimal number on its own line (incr/decr results).</summary>
    public static void WriteNumberLine(IBufferWriter<byte> output, ulong number)
    {
        Span<byte> span = output.GetSpan(22);
        Utf8Formatter.TryFormat(number, span, out int written);
        "\r\n"u8.CopyTo(span.Slice(written));
        output.Advance(written + 2);
    }

    /// <summary>"STAT name value\r\n" with a numeric value.</summary>
    public static void WriteStat(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        WriteStat(output, name, digits.Slice(0, length));
    }

    /// <summary>"STAT name value\r\n" with a signed numeric value.</summary>
    public static void WriteStat(IBufferWriter<byte> output, ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        WriteStat(output, name, digits.Slice(0, length));
    }

    /// <summary>"STAT name value\r\n" with a text value.</summary>
    public static void WriteStat(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Span<byte> span = output.GetSpan(StatFraming + name.Length + value.Length);
        "STAT "u8.CopyTo(span);
        int written = 5;
        name.CopyTo(span.Slice(written));
        written += name.Length;
        span[written++] = (byte)' ';
        value.CopyTo(span.Slice(written));
        written += value.Length;
        "\r\n"u8.CopyTo(span.Slice(written));
        output.Advance(written + 2);
    }

    /// <summary>"STAT &lt;prefix&gt;&lt;index&gt;:name value\r\n", as in "STAT 1:chunk_size 96" or "STAT items:1:number 5".</summary>
    public static void WriteStat(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, int index, ReadOnlySpan<byte> name, ulong value)
    {
        Span<byte> fullName = stackalloc byte[MaxIndexedNameFraming + prefix.Length + name.Length];
        WriteStat(output, IndexedName(fullName, prefix, index, name), value);
    }

    /// <summary>"STAT &lt;prefix&gt;&lt;index&gt;:name value\r\n" with a text value, as in "STAT 24:state conn_read".</summary>
    public static void WriteStat(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, int index, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Span<byte> fullName = stackalloc byte[MaxIndexedNameFraming + prefix.Length + name.Length];
        WriteStat(output, IndexedName(fullName, prefix, index, name), value);
    }

    private static ReadOnlySpan<byte> IndexedName(Span<byte> destination, ReadOnlySpan<byte> prefix, int index, ReadOnlySpan<byte> name)
    {
        prefix.CopyTo(destination);
        int length = prefix.Length;
        Utf8Formatter.TryFormat(index, destination.Slice(length), out int digits);
        length += digits;
        destination[length++] = (byte)':';
        name.CopyTo(destination.Slice(length));
        return destination.Slice(0, length + name.Length);
    }

    private static int WriteValueHeader(Span<byte> span, ReadOnlySpan<byte> key, uint flags, int length, bool withCas, ulong cas)
    {
        "VALUE "u8.CopyTo(span);
        int written = 6;
        key.CopyTo(span.Slice(written));
        written += key.Length;
        span[written++] = (byte)' ';
        Utf8Formatter.TryFormat(flags, span.Slice(written), out int digits);
        written += digits;
        span[written++] = (byte)' ';
        Utf8Formatter.TryFormat(length, span.Slice(written), out digits);
        written += digits;
        if (withCas)
        {
            span[written++] = (byte)' ';
            Utf8Formatter.TryFormat(cas, span.Slice(written), out digits);
            written += digits;
        }
        "\r\n"u8.CopyTo(span.Slice(written));
        return written + 2;
    }
}

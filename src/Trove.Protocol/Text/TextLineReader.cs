using System.Buffers;
using Trove.Protocol.Meta;

namespace Trove.Protocol.Text;

/// <summary>
/// Finds the next command line in the input, with memcached's limits (try_read_command_ascii): a line must end
/// within the 16 KiB read buffer, and input without a newline is waited for only while it is at most 2048 bytes,
/// or when it starts (after at most 100 spaces) with "get " or "gets " (multi-gets may be long). Anything else
/// is junk and the connection is closed.
/// </summary>
public static class TextLineReader
{
    /// <summary>Bytes without a newline memcached waits for before deciding the input is junk.</summary>
    public const int MaxPendingWithoutNewline = 2048;

    /// <summary>memcached's read buffer: a line (other than a multi-get) whose newline lies beyond it is never seen.</summary>
    public const int MaxLineLength = 16384;

    /// <summary>
    /// Trove's own ceiling for a get/gets line. memcached grows its buffer without limit for them; a bound keeps one
    /// connection from holding unbounded memory (16 MiB still holds over 60,000 maximum-length keys).
    /// </summary>
    public const int MaxMultiGetLineLength = 16 << 20;

    /// <summary>Leading spaces memcached skips when looking for a get prefix in an unterminated line.</summary>
    private const int MaxLeadingSpaces = 100;

    /// <summary>
    /// The longest meta line accepted under a key limit of <paramref name="maxKeyLength"/>: memcached's read buffer,
    /// plus, above memcached's 250, room for the longest key token (<see cref="MetaRequest.MaxKeyTokenLength"/>).
    /// </summary>
    public static int MaxMetaLineLength(int maxKeyLength)
        => maxKeyLength <= MetaRequest.MaxKeyLength ? MaxLineLength : MaxLineLength + MetaRequest.MaxKeyTokenLength(maxKeyLength);

    /// <summary>
    /// Reads one line. <see cref="OperationStatus.Done"/>: <paramref name="line"/> is the line without its '\n' and the
    /// reader is past it. <see cref="OperationStatus.NeedMoreData"/>: the reader is unchanged. <see cref="OperationStatus.InvalidData"/>:
    /// the input can never form an acceptable line and the connection must be closed. With a key limit above
    /// memcached's 250 (<paramref name="maxKeyLength"/>, store mode), a meta line (first byte 'm') may be as long as
    /// <see cref="MaxMetaLineLength"/> and is waited for until then; with the default every limit is memcached's.
    /// </summary>
    public static OperationStatus TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line, int maxKeyLength = MetaRequest.MaxKeyLength)
    {
        SequenceReader<byte> start = reader;
        if (reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            if (line.Length < MaxLineLength
                || (line.Length <= MaxMultiGetLineLength && StartsWithGet(line))
                || (line.Length < MaxMetaLineLength(maxKeyLength) && StartsWithMeta(line)))
            {
                return OperationStatus.Done;
            }
            reader = start;
            line = default;
            return OperationStatus.InvalidData;
        }

        line = default;
        long pending = reader.Remaining;
        if (pending <= MaxPendingWithoutNewline)
        {
            return OperationStatus.NeedMoreData;
        }
        ReadOnlySequence<byte> unterminated = reader.UnreadSequence;
        if (pending < MaxMetaLineLength(maxKeyLength) && maxKeyLength > MetaRequest.MaxKeyLength && StartsWithMeta(unterminated))
        {
            return OperationStatus.NeedMoreData;
        }
        return pending <= MaxMultiGetLineLength && StartsWithGet(unterminated)
            ? OperationStatus.NeedMoreData
            : OperationStatus.InvalidData;
    }

    /// <summary>Whether the input starts as every meta command does, with "m" (the parser judges the rest).</summary>
    private static bool StartsWithMeta(in ReadOnlySequence<byte> input)
        => new SequenceReader<byte>(input).TryPeek(out byte first) && first == (byte)'m';

    /// <summary>memcached's test for a multi-get: at most 100 leading spaces, then "get " or "gets ".</summary>
    public static bool StartsWithGet(in ReadOnlySequence<byte> input)
    {
        Span<byte> head = stackalloc byte[MaxLeadingSpaces + 6];
        ReadOnlySequence<byte> prefix = input.Length > head.Length ? input.Slice(0, head.Length) : input;
        prefix.CopyTo(head);
        head = head.Slice(0, (int)prefix.Length);
        int spaces = 0;
        while (spaces < head.Length && head[spaces] == ' ')
        {
            spaces++;
        }
        if (spaces > MaxLeadingSpaces)
        {
            return false;
        }
        ReadOnlySpan<byte> rest = head.Slice(spaces);
        return rest.StartsWith("get "u8) || rest.StartsWith("gets "u8);
    }
}

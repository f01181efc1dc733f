using System.Buffers;

namespace Trove.Storage.Persistence;

/// <summary>Receives each Set or Delete record read back; the spans are valid only during the call.</summary>
public delegate void RecordHandler(in LogRecord record);

/// <summary>How a segment's scan ended.</summary>
public enum SegmentScanStatus
{
    /// <summary>Every byte belongs to a valid record.</summary>
    Clean,

    /// <summary>From <see cref="SegmentScan.ValidLength"/> on, nothing is valid: a torn or corrupt tail.</summary>
    BadTail,

    /// <summary>A bad record at <see cref="SegmentScan.ValidLength"/> with a valid record after it, or a record that
    /// passes its checksum but cannot be valid here (bad header, wrong sequence, unknown type): real corruption.</summary>
    Corrupt,
}

/// <summary>The outcome of scanning one segment.</summary>
/// <param name="Status">Clean, a bad tail, or corruption.</param>
/// <param name="Header">The segment header, if the first record was a valid one.</param>
/// <param name="Records">Set and Delete records delivered to the handler.</param>
/// <param name="ValidLength">Bytes up to the end of the last valid record (the whole length when clean).</param>
/// <param name="DroppedRecords">For a bad tail, how many records (whole or partial) the tail holds by its length fields.</param>
/// <param name="Problem">What is wrong at <see cref="ValidLength"/>, for logs; null when clean.</param>
public readonly record struct SegmentScan(
    SegmentScanStatus Status, SegmentHeader? Header, long Records, long ValidLength, int DroppedRecords, string? Problem);

/// <summary>Reads segments: the whole file into one pooled buffer, then a scan of the records in it.</summary>
public static class LogReader
{
    /// <summary>Reads the first record of a segment, if it is a valid segment header.</summary>
    public static SegmentHeader? ReadHeader(IFileSystem fileSystem, string path)
    {
        Span<byte> buffer = stackalloc byte[RecordFormat.SegmentHeaderRecordLength];
        using IReadFile file = fileSystem.OpenRead(path);
        int read = ReadFully(file, 0, buffer);
        if (RecordFormat.TryReadFrame(buffer[..read], out _, out ReadOnlySpan<byte> body) == FrameStatus.Ok
            && RecordFormat.TypeOf(body) == RecordType.SegmentHeader)
        {
            return RecordFormat.DecodeSegmentHeader(body);
        }

        return null;
    }

    /// <summary>Reads the segment at <paramref name="path"/> and scans it (see <see cref="Scan"/>).</summary>
    public static SegmentScan ReadSegment(IFileSystem fileSystem, string path, ulong expectedSequence, RecordHandler? handler)
    {
        using IReadFile file = fileSystem.OpenRead(path);
        long length = file.Length;
        if (length > Array.MaxLength)
        {
            return new SegmentScan(SegmentScanStatus.Corrupt, null, 0, 0, 0, $"segment of {length} bytes is too large to read");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            int read = ReadFully(file, 0, buffer.AsSpan(0, (int)length));
            return Scan(buffer.AsSpan(0, read), expectedSequence, handler);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Scans a segment's bytes: a segment header with <paramref name="expectedSequence"/>, then Set and Delete
    /// records, each handed to <paramref name="handler"/> in order. At the first bad record the scan stops and
    /// decides: if any valid Set or Delete frame starts anywhere after it, the segment is <see cref="SegmentScanStatus.Corrupt"/>
    /// (the writer never leaves a gap, so that is damage, not a crash); otherwise it is a <see cref="SegmentScanStatus.BadTail"/>.
    /// </summary>
    public static SegmentScan Scan(ReadOnlySpan<byte> data, ulong expectedSequence, RecordHandler? handler)
    {
        FrameStatus status = RecordFormat.TryReadFrame(data, out int frameLength, out ReadOnlySpan<byte> body);
        if (status == FrameStatus.Ok)
        {
            if (RecordFormat.TypeOf(body) != RecordType.SegmentHeader)
            {
                return Bad(data, 0, null, 0, SegmentScanStatus.Corrupt, "first record is not a segment header");
            }

            SegmentHeader found = RecordFormat.DecodeSegmentHeader(body);
            if (found.Sequence != expectedSequence)
            {
                return Bad(data, 0, null, 0, SegmentScanStatus.Corrupt,
                    $"segment header says sequence {found.Sequence}, file name says {expectedSequence}");
            }
        }
        else
        {
            return BadFrame(data, 0, null, 0, status);
        }

        SegmentHeader header = RecordFormat.DecodeSegmentHeader(body);
        long records = 0;
        int offset = frameLength;
        while (true)
        {
            status = RecordFormat.TryReadFrame(data[offset..], out frameLength, out body);
            if (status == FrameStatus.End)
            {
                return new SegmentScan(SegmentScanStatus.Clean, header, records, offset, 0, null);
            }

            if (status != FrameStatus.Ok)
            {
                return BadFrame(data, offset, header, records, status);
            }

            if (RecordFormat.TypeOf(body) == RecordType.SegmentHeader)
            {
                return Bad(data, offset, header, records, SegmentScanStatus.Corrupt, "segment header in the middle of a segment");
            }

            if (handler is not null)
            {
                uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
                handler(RecordFormat.Decode(body) with { Location = new RecordLocation(expectedSequence, offset, crc) });
            }

            records++;
            offset += frameLength;
        }
    }

    private static SegmentScan BadFrame(ReadOnlySpan<byte> data, int offset, SegmentHeader? header, long records, FrameStatus status)
    {
        if (status == FrameStatus.Malformed)
        {
            return Bad(data, offset, header, records, SegmentScanStatus.Corrupt, "record with a valid checksum but a malformed body");
        }

        int next = FindValidFrame(data, offset + 1);
        return next >= 0
            ? Bad(data, offset, header, records, SegmentScanStatus.Corrupt, $"{Describe(status)}, followed by a valid record at offset {next}")
            : Bad(data, offset, header, records, SegmentScanStatus.BadTail, Describe(status));
    }

    private static SegmentScan Bad(ReadOnlySpan<byte> data, int offset, SegmentHeader? header, long records,
        SegmentScanStatus status, string problem) =>
        new(status, header, records, offset, status == SegmentScanStatus.BadTail ? CountFrames(data[offset..]) : 0, problem);

    private static string Describe(FrameStatus status) => status switch
    {
        FrameStatus.Truncated => "record cut short",
        FrameStatus.BadLength => "impossible record length",
        FrameStatus.BadChecksum => "checksum mismatch",
        FrameStatus.End => "empty segment (no header)",
        _ => status.ToString(),
    };

    /// <summary>
    /// The first offset at or after <paramref name="start"/> where a valid Set or Delete frame begins, or -1.
    /// Cheap header checks come first so the checksum runs only on plausible candidates.
    /// </summary>
    private static int FindValidFrame(ReadOnlySpan<byte> data, int start)
    {
        for (int at = start; at + RecordFormat.FrameHeaderLength < data.Length; at++)
        {
            ReadOnlySpan<byte> rest = data[at..];
            uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest);
            if (length == 0 || length > (uint)(rest.Length - RecordFormat.FrameHeaderLength))
            {
                continue;
            }

            byte type = rest[RecordFormat.FrameHeaderLength];
            if (!RecordFormat.IsChangeType(type))
            {
                continue;
            }

            if (RecordFormat.TryReadFrame(rest, out _, out _) == FrameStatus.Ok)
            {
                return at;
            }
        }

        return -1;
    }

    /// <summary>Records in a bad tail, by following length fields while they stay inside it (at least 1).</summary>
    private static int CountFrames(ReadOnlySpan<byte> tail)
    {
        int count = 0;
        long at = 0;
        while (at < tail.Length)
        {
            count++;
            if (tail.Length - at < RecordFormat.FrameHeaderLength)
            {
                break;
            }

            uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail[(int)at..]);
            if (length == 0 || length > RecordFormat.MaxBodyLength)
            {
                break;
            }

            at += RecordFormat.FrameHeaderLength + length;
        }

        return count;
    }

    internal static int ReadFully(IReadFile file, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = file.Read(offset + total, buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

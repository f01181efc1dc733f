using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.DiskValues;

/// <summary>
/// A log in memory for engine tests of values on disk: as the change observer it encodes every Set into one growing
/// "file" (file id 1) and notes where; as the value log it reads that file back. Faults: <see cref="FailReads"/>
/// makes reads fail, <see cref="Written"/> holds records back as if still in the writer's batch.
/// </summary>
internal sealed class MemoryValueLog : IValueLog, IItemChangeObserver
{
    [ThreadStatic]
    private static ValueLocation t_appended;

    private readonly Lock _lock = new();
    private byte[] _file = new byte[1 << 16];
    private int _length = RecordFormat.SegmentHeaderRecordLength;

    /// <summary>Reads fail while set.</summary>
    public bool FailReads { get; set; }

    /// <summary>Records ending beyond this offset count as not written yet; null = all written.</summary>
    public long? Written { get; set; }

    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    public long Reads { get; private set; }

    /// <summary>Overwrites a byte of the file (to corrupt a record).</summary>
    public void Flip(uint offset)
    {
        lock (_lock)
        {
            _file[offset] ^= 0xFF;
        }
    }

    public void OnItemChanged(int partition, in ItemView item)
    {
        var record = LogRecord.Set(item.Key, item.Value, item.Flags, 0, item.Cas);
        int length = RecordFormat.EncodedLength(record);
        lock (_lock)
        {
            if (_file.Length < _length + length)
            {
                Array.Resize(ref _file, Math.Max(_file.Length * 2, _length + length));
            }

            RecordFormat.Encode(record, _file.AsSpan(_length, length));
            uint crc = BitConverter.ToUInt32(_file, _length + 4);
            t_appended = new ValueLocation(1, (uint)_length, crc);
            _length += length;
        }
    }

    public void OnItemDeleted(int partition, ReadOnlySpan<byte> key)
    {
    }

    public ValueLocation TakeAppended()
    {
        ValueLocation appended = t_appended;
        t_appended = default;
        return appended;
    }

    public bool IsWritten(in ValueLocation location, int recordLength)
        => Written is not { } written || location.Offset + recordLength <= written;

    public int Mismatches { get; private set; }

    public void WaitWritten()
    {
    }

    public void ReportMismatch(in ValueLocation location) => Mismatches++;

    public bool Read(in ValueLocation location, Span<byte> destination)
    {
        lock (_lock)
        {
            Reads++;
            if (FailReads || location.File != 1 || location.Offset + destination.Length > _length)
            {
                return false;
            }

            _file.AsSpan((int)location.Offset, destination.Length).CopyTo(destination);
            return true;
        }
    }
}

namespace Trove.Storage.Persistence;

/// <summary>Whether the Set record for <paramref name="key"/> with <paramref name="cas"/> is the key's live version
/// (the engine holds the key with that CAS). Called from the compaction thread; must be thread-safe.</summary>
public delegate bool LivenessCheck(ReadOnlySpan<byte> key, ulong cas);

/// <summary>
/// Called by <see cref="Compactor"/> once the compacted segment is written and the barrier passed, before the rename:
/// <paramref name="oldLocations"/>[i] is where the i-th record of <paramref name="temporaryPath"/> was. Values on
/// disk move their locations here, so none points into a segment about to be deleted. Must not throw for a
/// location it does not know.
/// </summary>
public delegate void CompactionRelocation(string temporaryPath, ulong outputSequence, IReadOnlyList<RecordLocation> oldLocations);

/// <summary>What one compaction did.</summary>
public sealed record CompactionResult(
    int InputSegments, long InputBytes, long OutputBytes, long RecordsKept, long RecordsDropped, ulong OutputSequence);

/// <summary>
/// Rewrites the sealed segments (every one below the writer's active segment) into one compacted segment holding
/// only live Set records, then removes them.
/// </summary>
/// <remarks>
/// Steps, and what a crash after each leaves (recovery handles every case, docs/STORE.md):
/// <list type="number">
/// <item>write <c>log-K.trv.compact.tmp</c> (K = the newest sealed sequence), header flagged Compacted; fsync it. A
/// crash leaves a temp file, which recovery deletes: the inputs are untouched.</item>
/// <item>barrier: the writer fsyncs everything appended so far. A record is dropped only because a newer change
/// made it dead; that change's own record must be durable before the old one disappears.</item>
/// <item>with values on disk, the <see cref="CompactionRelocation"/> re-points items to the temp file (read through a
/// handle that follows it through the rename). Nothing on disk changes.</item>
/// <item>rename the temp file over <c>log-K.trv</c>, fsync the directory. Atomic: after a crash either the old
/// segment K or the compacted one is there, and either is a valid log.</item>
/// <item>delete the older inputs, fsync the directory. A crash in between leaves segments below a compacted one;
/// recovery knows they are superseded and deletes them.</item>
/// </list>
/// Delete records are dropped: the compacted segment starts the log, so no older Set remains for them to cancel.
/// </remarks>
public static class Compactor
{
    private const int OutputBufferSize = 1 << 20;

    /// <summary>Compacts the segments sealed by <paramref name="writer"/>, with its <see cref="LogWriter.SyncAsync"/> as the barrier.</summary>
    public static CompactionResult? Compact(IFileSystem fileSystem, string directory, LogWriter writer, LivenessCheck isLive,
        CompactionRelocation? relocate = null) =>
        Compact(fileSystem, directory, writer.ActiveSequence, isLive, () => writer.SyncAsync().GetAwaiter().GetResult(), relocate);

    /// <summary>
    /// Compacts every segment below <paramref name="activeSequence"/>; null when there is none.
    /// <paramref name="durabilityBarrier"/> must return once every record appended so far is on stable storage.
    /// </summary>
    /// <exception cref="InvalidDataException">A sealed segment is damaged; nothing was changed (run recovery, which reports it).</exception>
    /// <exception cref="IOException">A file operation failed; the directory stays recoverable.</exception>
    public static CompactionResult? Compact(IFileSystem fileSystem, string directory, ulong activeSequence,
        LivenessCheck isLive, Action durabilityBarrier, CompactionRelocation? relocate = null)
    {
        List<SegmentFile> inputs = SegmentFiles.List(fileSystem, directory).FindAll(s => s.Sequence < activeSequence);
        if (inputs.Count == 0)
        {
            return null;
        }

        ulong outputSequence = inputs[^1].Sequence;
        string target = SegmentFiles.PathOf(directory, outputSequence);
        string temp = target + ".compact" + SegmentFiles.TempSuffix;
        fileSystem.Delete(temp);

        var output = new OutputBuffer(fileSystem.OpenAppend(temp));
        long inputBytes = 0;
        long kept = 0;
        long dropped = 0;
        List<RecordLocation>? moved = relocate is null ? null : [];
        try
        {
            Span<byte> header = stackalloc byte[RecordFormat.SegmentHeaderRecordLength];
            RecordFormat.EncodeSegmentHeader(new SegmentHeader(outputSequence, Compacted: true), header);
            output.Write(header);
            foreach (SegmentFile input in inputs)
            {
                string path = Path.Combine(directory, input.Name);
                inputBytes += fileSystem.GetLength(path);
                SegmentScan scan = LogReader.ReadSegment(fileSystem, path, input.Sequence, (in LogRecord record) =>
                {
                    if (record.Type == RecordType.Set && isLive(record.Key, record.Cas))
                    {
                        output.Append(record);
                        moved?.Add(record.Location);
                        kept++;
                    }
                    else
                    {
                        dropped++;
                    }
                });
                if (scan.Status != SegmentScanStatus.Clean)
                {
                    throw new InvalidDataException($"cannot compact {path}: {scan.Problem} at offset {scan.ValidLength}");
                }
            }

            output.FlushAndSync();
        }
        catch
        {
            output.Dispose();
            fileSystem.Delete(temp);
            throw;
        }

        long outputBytes = output.Length;
        output.Dispose();

        try
        {
            durabilityBarrier();
        }
        catch
        {
            // The writer failed: leave the inputs as they are (recovery would delete the temp file anyway).
            fileSystem.Delete(temp);
            throw;
        }

        // Locations move before the rename, to the temporary file (which readers open before it is renamed), so no
        // location names a file that is about to change or go.
        relocate?.Invoke(temp, outputSequence, moved!);
        fileSystem.Rename(temp, target);
        fileSystem.SyncDirectory(directory);
        for (int i = 0; i < inputs.Count - 1; i++)
        {
            fileSystem.Delete(Path.Combine(directory, inputs[i].Name));
        }

        fileSystem.SyncDirectory(directory);
        return new CompactionResult(inputs.Count, inputBytes, outputBytes, kept, dropped, outputSequence);
    }

    /// <summary>Batches records into large writes.</summary>
    private sealed class OutputBuffer(IAppendFile file) : IDisposable
    {
        private byte[] _buffer = new byte[OutputBufferSize];
        private int _used;

        public long Length => file.Length + _used;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Reserve(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
        }

        public void Append(in LogRecord record)
        {
            int length = RecordFormat.EncodedLength(record);
            Reserve(length);
            RecordFormat.Encode(record, _buffer.AsSpan(_used, length));
            _used += length;
        }

        public void FlushAndSync()
        {
            Flush();
            file.Sync();
        }

        public void Dispose() => file.Dispose();

        private void Reserve(int length)
        {
            if (_buffer.Length - _used >= length)
            {
                return;
            }

            Flush();
            if (_buffer.Length < length)
            {
                _buffer = new byte[length];
            }
        }

        private void Flush()
        {
            if (_used > 0)
            {
                file.Write(_buffer.AsSpan(0, _used));
                _used = 0;
            }
        }
    }
}

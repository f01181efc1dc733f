namespace Trove.Storage.Persistence;

/// <summary>
/// Replays a log directory at start-up and repairs what a crash can leave behind, and only that.
/// </summary>
/// <remarks>
/// What a crash can leave, given how <see cref="LogWriter"/> and <see cref="Compactor"/> write (docs/STORE.md):
/// a torn or garbled tail in the last segment (the only one being appended to; a segment is fsynced before the next
/// is created); a last segment whose header is torn or missing (created, then the crash); compaction temporaries
/// (<c>*.tmp</c>); segments older than a compacted segment (compaction renamed its output in, then the crash came
/// before it deleted the inputs). Those are repaired and counted. Anything else (a bad record followed by a good
/// one, damage in a segment that is not the last, a gap in the sequence) is damage a crash cannot cause: it is
/// reported in <see cref="RecoveryResult.Corruption"/> and no file is changed or deleted but temporaries.
/// </remarks>
public static class Recovery
{
    /// <summary>Replays every record in <paramref name="directory"/> (created if missing) into <paramref name="handler"/>.</summary>
    public static RecoveryResult Run(IFileSystem fileSystem, string directory, RecordHandler handler)
    {
        fileSystem.CreateDirectory(directory);
        int tempFiles = DeleteTemporaries(fileSystem, directory);
        List<SegmentFile> segments = SegmentFiles.List(fileSystem, directory);

        // The newest compacted segment replaces everything before it; older files are leftovers of its compaction.
        // They are deleted only once the rest has been read without finding damage.
        int superseded = 0;
        for (int i = segments.Count - 1; i > 0; i--)
        {
            SegmentHeader? header = LogReader.ReadHeader(fileSystem, Path.Combine(directory, segments[i].Name));
            if (header is { Compacted: true } h && h.Sequence == segments[i].Sequence)
            {
                superseded = i;
                break;
            }
        }

        long records = 0;
        int segmentsRead = 0;
        for (int i = superseded; i < segments.Count; i++)
        {
            SegmentFile segment = segments[i];
            string path = Path.Combine(directory, segment.Name);
            bool last = i == segments.Count - 1;
            if (i > superseded && segment.Sequence != segments[i - 1].Sequence + 1)
            {
                return Corrupt(path, 0, $"segment {segments[i - 1].Sequence + 1} is missing", records, segmentsRead, tempFiles);
            }

            SegmentScan scan = LogReader.ReadSegment(fileSystem, path, segment.Sequence, handler);
            records += scan.Records;
            segmentsRead++;
            if (scan.Status == SegmentScanStatus.Clean)
            {
                continue;
            }

            if (scan.Status == SegmentScanStatus.Corrupt || !last)
            {
                string what = last ? scan.Problem! : $"{scan.Problem} in a sealed segment (not the last)";
                return Corrupt(path, scan.ValidLength, what, records, segmentsRead, tempFiles);
            }

            // A torn or garbled tail of the last segment: what a crash during an append leaves.
            long length = fileSystem.GetLength(path);
            ulong nextSequence = segment.Sequence + 1;
            if (scan.Header is null)
            {
                // Not even the header survived: the segment never held a record. Its sequence is reused.
                fileSystem.Delete(path);
                nextSequence = segment.Sequence;
                segmentsRead--;
            }
            else
            {
                fileSystem.Truncate(path, scan.ValidLength);
            }

            DeleteSuperseded(fileSystem, directory, segments, superseded);
            return new RecoveryResult
            {
                NextSequence = nextSequence,
                SegmentsRead = segmentsRead,
                RecordsRead = records,
                TruncatedFile = path,
                TruncatedBytes = scan.Header is null ? length : length - scan.ValidLength,
                DroppedRecords = scan.DroppedRecords,
                TruncationReason = scan.Problem,
                SupersededSegmentsDeleted = superseded,
                TempFilesDeleted = tempFiles,
            };
        }

        DeleteSuperseded(fileSystem, directory, segments, superseded);
        return new RecoveryResult
        {
            NextSequence = segments.Count == 0 ? 1 : segments[^1].Sequence + 1,
            SegmentsRead = segmentsRead,
            RecordsRead = records,
            SupersededSegmentsDeleted = superseded,
            TempFilesDeleted = tempFiles,
        };
    }

    private static int DeleteTemporaries(IFileSystem fileSystem, string directory)
    {
        int deleted = 0;
        foreach (string name in fileSystem.ListFiles(directory))
        {
            if (name.EndsWith(SegmentFiles.TempSuffix, StringComparison.Ordinal))
            {
                fileSystem.Delete(Path.Combine(directory, name));
                deleted++;
            }
        }

        if (deleted > 0)
        {
            fileSystem.SyncDirectory(directory);
        }

        return deleted;
    }

    /// <summary>Deletes the first <paramref name="count"/> segments, then makes every deletion durable (also a
    /// torn last segment's, which the caller may have made).</summary>
    private static void DeleteSuperseded(IFileSystem fileSystem, string directory, List<SegmentFile> segments, int count)
    {
        for (int i = 0; i < count; i++)
        {
            fileSystem.Delete(Path.Combine(directory, segments[i].Name));
        }

        fileSystem.SyncDirectory(directory);
    }

    private static RecoveryResult Corrupt(string path, long offset, string what, long records, int segmentsRead, int tempFiles) => new()
    {
        SegmentsRead = segmentsRead,
        RecordsRead = records,
        TempFilesDeleted = tempFiles,
        Corruption = what,
        CorruptFile = path,
        CorruptOffset = offset,
    };
}

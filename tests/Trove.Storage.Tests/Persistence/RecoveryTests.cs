using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

public sealed class RecoveryTests
{
    [Fact]
    public void EmptyDirectoryRecoversNothingAndStartsAtSequenceOne()
    {
        var fs = new FaultyFileSystem();
        (RecoveryResult result, List<Rec> records) = Recover(fs);
        Assert.Empty(records);
        Assert.False(result.IsCorrupt);
        Assert.Equal(1ul, result.NextSequence);
    }

    [Fact]
    public void RoundTripReplaysEveryRecordInOrderAcrossSegments()
    {
        var fs = new FaultyFileSystem();
        List<Rec> written = Records(500);
        written.Add(Rec.Delete("key:3"));
        written.Add(Rec.Set("key:3", "again", 501, flags: 9, expiresAt: 1_900_000_000));
        WriteLog(fs, written, Options(segmentLimit: 2048));

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.Equal(written, records);
        Assert.False(result.IsCorrupt);
        Assert.Equal(0, result.TruncatedBytes);
        int segments = SegmentFiles.List(fs, Dir).Count;
        Assert.True(segments > 10, $"{segments} segments");
        Assert.Equal(segments, result.SegmentsRead);
        Assert.Equal((ulong)segments + 1, result.NextSequence);
    }

    [Fact]
    public void EachRestartAppendsANewSegmentAfterTheRecoveredOnes()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(10, "a"));
        WriteLog(fs, Records(10, "b"));
        WriteLog(fs, Records(10, "c"));

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.Equal(Records(10, "a").Concat(Records(10, "b")).Concat(Records(10, "c")), records);
        Assert.Equal(3, result.SegmentsRead);
        Assert.Equal(4ul, result.NextSequence);
    }

    /// <summary>The crash keeps every possible prefix of the last record's unsynced bytes.</summary>
    [Fact]
    public async Task TornWriteAtEveryOffsetOfTheLastRecordRecoversAllEarlierRecordsAndTruncates()
    {
        List<Rec> earlier = Records(20);
        Rec last = Rec.Set("last", new string('x', 40), 21);
        int lastLength = last.EncodedLength();
        long cleanLength = RecordFormat.SegmentHeaderRecordLength + earlier.Sum(r => r.EncodedLength());

        for (int kept = 0; kept <= lastLength; kept++)
        {
            FaultyFileSystem fs = await TornLastRecordAsync(earlier, last, kept);
            (RecoveryResult result, List<Rec> records) = Recover(fs);

            Assert.False(result.IsCorrupt, $"kept {kept}: {result}");
            if (kept == lastLength)
            {
                Assert.Equal(earlier.Append(last), records);
                Assert.Equal(0, result.TruncatedBytes);
                continue;
            }

            Assert.Equal(earlier, records);
            Assert.Equal(kept, result.TruncatedBytes);
            Assert.Equal(kept == 0 ? 0 : 1, result.DroppedRecords);
            Assert.Equal(cleanLength, fs.GetLength(SegmentPath(1)));
            Assert.Equal(2ul, result.NextSequence);

            (RecoveryResult again, List<Rec> againRecords) = Recover(fs);
            Assert.Equal(0, again.TruncatedBytes);
            Assert.Equal(earlier, againRecords);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("zeros")]
    public void GarbledTailIsTruncatedAndCounted(string kind)
    {
        var fs = new FaultyFileSystem();
        List<Rec> written = Records(20);
        WriteLog(fs, written);
        byte[] bytes = fs.ReadAllBytes(SegmentPath(1));
        int lastStart = bytes.Length - written[^1].EncodedLength();
        byte[] tail = new byte[bytes.Length - lastStart + 100];
        if (kind == "garbage")
        {
            new Random(7).NextBytes(tail);
        }

        fs.WriteAllBytes(SegmentPath(1), [.. bytes.AsSpan(0, lastStart), .. tail]);

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt, result.ToString());
        Assert.Equal(written.Take(19), records);
        Assert.Equal(tail.Length, result.TruncatedBytes);
        Assert.True(result.DroppedRecords >= 1);
        Assert.Equal(lastStart, fs.GetLength(SegmentPath(1)));
    }

    /// <summary>Any single damaged byte in record 10 of 20 is reported with its offset, never skipped or truncated.</summary>
    [Fact]
    public void FlippedByteInTheMiddleIsReportedAtItsRecordNotSkipped()
    {
        List<Rec> written = Records(20);
        var pristine = new FaultyFileSystem();
        WriteLog(pristine, written);
        byte[] bytes = pristine.ReadAllBytes(SegmentPath(1));
        int start = RecordFormat.SegmentHeaderRecordLength + written.Take(9).Sum(r => r.EncodedLength());

        for (int at = start; at < start + written[9].EncodedLength(); at++)
        {
            var fs = new FaultyFileSystem();
            byte[] damaged = bytes.ToArray();
            damaged[at] ^= 0x40;
            fs.WriteAllBytes(SegmentPath(1), damaged);

            (RecoveryResult result, List<Rec> records) = Recover(fs);

            Assert.True(result.IsCorrupt, $"byte {at}: {result}");
            Assert.Equal(SegmentPath(1), result.CorruptFile);
            Assert.Equal(start, result.CorruptOffset);
            Assert.Equal(written.Take(9), records);
            Assert.Equal(damaged, fs.ReadAllBytes(SegmentPath(1)));
        }
    }

    [Fact]
    public void TornTailOfASealedSegmentIsReportedAsCorruption()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(100), Options(segmentLimit: 1024));
        byte[] first = fs.ReadAllBytes(SegmentPath(1));
        fs.WriteAllBytes(SegmentPath(1), first[..^3]);

        (RecoveryResult result, _) = Recover(fs);

        Assert.True(result.IsCorrupt);
        Assert.Equal(SegmentPath(1), result.CorruptFile);
        Assert.Contains("not the last", result.Corruption);
        Assert.Equal(first.Length - 3, fs.GetLength(SegmentPath(1)));
    }

    [Fact]
    public void MissingSegmentIsReportedAsCorruption()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(100), Options(segmentLimit: 1024));
        fs.Delete(SegmentPath(2));

        (RecoveryResult result, _) = Recover(fs);

        Assert.True(result.IsCorrupt);
        Assert.Equal(SegmentPath(3), result.CorruptFile);
        Assert.Contains("segment 2 is missing", result.Corruption);
    }

    [Fact]
    public void SegmentWhoseHeaderNamesAnotherSequenceIsCorrupt()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(5));
        fs.WriteAllBytes(SegmentPath(2), fs.ReadAllBytes(SegmentPath(1)));

        (RecoveryResult result, _) = Recover(fs);

        Assert.True(result.IsCorrupt);
        Assert.Equal(SegmentPath(2), result.CorruptFile);
    }

    [Fact]
    public void LastSegmentWithATornHeaderIsDeletedAndItsSequenceReused()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(5));
        byte[] header = new byte[RecordFormat.SegmentHeaderRecordLength];
        RecordFormat.EncodeSegmentHeader(new SegmentHeader(2, false), header);
        fs.WriteAllBytes(SegmentPath(2), header[..10]);

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt);
        Assert.Equal(Records(5), records);
        Assert.Equal(10, result.TruncatedBytes);
        Assert.Equal(2ul, result.NextSequence);
        Assert.False(fs.FileExists(SegmentPath(2)));
    }

    [Fact]
    public void EmptyLastSegmentIsDeletedAndItsSequenceReused()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(5));
        fs.WriteAllBytes(SegmentPath(2), []);

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt);
        Assert.Equal(Records(5), records);
        Assert.Equal(SegmentPath(2), result.TruncatedFile);
        Assert.Equal(2ul, result.NextSequence);
        Assert.False(fs.FileExists(SegmentPath(2)));
    }

    [Fact]
    public void LeftoverTemporaryFilesAreDeleted()
    {
        var fs = new FaultyFileSystem();
        WriteLog(fs, Records(5));
        fs.WriteAllBytes(SegmentPath(1) + ".compact.tmp", [1, 2, 3]);

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.Equal(1, result.TempFilesDeleted);
        Assert.Equal(Records(5), records);
        Assert.Equal([SegmentFiles.NameOf(1)], fs.ListFiles(Dir));
    }
}

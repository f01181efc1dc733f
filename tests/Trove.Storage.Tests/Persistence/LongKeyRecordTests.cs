using System.Buffers.Binary;
using System.Text;
using Trove.Storage.Persistence;
using static Trove.Storage.Tests.Persistence.PersistenceTestHelpers;

namespace Trove.Storage.Tests.Persistence;

/// <summary>Keys over 255 bytes (store mode's long keys) go to disk as record types 4 and 5.</summary>
public sealed class LongKeyRecordTests
{
    private static byte[] Encode(in LogRecord record)
    {
        byte[] bytes = new byte[RecordFormat.EncodedLength(record)];
        Assert.Equal(bytes.Length, RecordFormat.Encode(record, bytes));
        return bytes;
    }

    private static byte[] KeyOf(int length, byte fill = (byte)'k') => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void LongKeySetLayoutIsAsDocumented()
    {
        byte[] key = KeyOf(300);
        byte[] bytes = Encode(LogRecord.Set(key, "hello"u8, clientFlags: 0x01020304, expiresAtUnix: 1_800_000_000,
            cas: 0x1122334455667788, ItemBits.BinaryKey));

        // length(4) crc(4) | type(1) keyLen(2) bits(1) flags(4) expiry(8) cas(8) key value
        Assert.Equal(8 + 1 + 23 + 300 + 5, bytes.Length);
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((byte)RecordType.SetLongKey, bytes[8]);
        Assert.Equal(300, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(9)));
        Assert.Equal(2, bytes[11]);
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(1_800_000_000ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(0x1122334455667788ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(key, bytes.AsSpan(32, 300).ToArray());
        Assert.Equal("hello", Encoding.ASCII.GetString(bytes.AsSpan(332)));
    }

    [Fact]
    public void LongKeyDeleteLayoutIsAsDocumented()
    {
        byte[] key = KeyOf(65535);
        byte[] bytes = Encode(LogRecord.Delete(key));
        Assert.Equal(8 + 1 + 2 + 65535, bytes.Length);
        Assert.Equal((byte)RecordType.DeleteLongKey, bytes[8]);
        Assert.Equal(65535, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(9)));
        Assert.Equal(key, bytes.AsSpan(11).ToArray());
    }

    [Fact]
    public void KeysUpTo255BytesKeepTheOriginalTypes()
    {
        Assert.Equal((byte)RecordType.Set, Encode(LogRecord.Set(KeyOf(255), "v"u8, 0, 0, 1))[8]);
        Assert.Equal((byte)RecordType.Delete, Encode(LogRecord.Delete(KeyOf(255)))[8]);
        Assert.Equal((byte)RecordType.SetLongKey, Encode(LogRecord.Set(KeyOf(256), "v"u8, 0, 0, 1))[8]);
        Assert.Equal((byte)RecordType.DeleteLongKey, Encode(LogRecord.Delete(KeyOf(256)))[8]);
    }

    [Fact]
    public void LongKeyTypeValuesAreStable()
    {
        Assert.Equal(4, (byte)RecordType.SetLongKey);
        Assert.Equal(5, (byte)RecordType.DeleteLongKey);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(60_000)]
    [InlineData(65_535)]
    public void LongKeyRecordsDecodeAsSetAndDelete(int keyLength)
    {
        byte[] key = KeyOf(keyLength, (byte)'z');
        byte[] set = Encode(LogRecord.Set(key, "value"u8, 7, 99, 12345, ItemBits.Stale));
        Assert.Equal(FrameStatus.Ok, RecordFormat.TryReadFrame(set, out int frameLength, out ReadOnlySpan<byte> body));
        Assert.Equal(set.Length, frameLength);
        LogRecord record = RecordFormat.Decode(body);
        Assert.Equal(RecordType.Set, record.Type);
        Assert.Equal(key, record.Key.ToArray());
        Assert.Equal("value", Encoding.ASCII.GetString(record.Value));
        Assert.Equal(7u, record.ClientFlags);
        Assert.Equal(99ul, record.ExpiresAtUnix);
        Assert.Equal(12345ul, record.Cas);
        Assert.Equal(ItemBits.Stale, record.Bits);

        byte[] delete = Encode(LogRecord.Delete(key));
        Assert.Equal(FrameStatus.Ok, RecordFormat.TryReadFrame(delete, out _, out body));
        record = RecordFormat.Decode(body);
        Assert.Equal(RecordType.Delete, record.Type);
        Assert.Equal(key, record.Key.ToArray());
    }

    [Fact]
    public void EveryPrefixOfALongKeyRecordIsTruncated()
    {
        byte[] bytes = Encode(LogRecord.Set(KeyOf(400), "value"u8, 1, 2, 3));
        for (int length = 1; length < bytes.Length; length++)
        {
            Assert.Equal(FrameStatus.Truncated, RecordFormat.TryReadFrame(bytes.AsSpan(0, length), out _, out _));
        }
    }

    /// <summary>A long-key type whose key would have fitted the short type, or whose length overruns the body, was not written by us.</summary>
    [Theory]
    [InlineData(RecordType.SetLongKey, 255, 23 + 255)]
    [InlineData(RecordType.SetLongKey, 300, 23 + 299)]
    [InlineData(RecordType.DeleteLongKey, 200, 2 + 200)]
    [InlineData(RecordType.DeleteLongKey, 300, 2 + 301)]
    public void InconsistentLongKeyRecordIsMalformed(RecordType type, int keyLength, int payloadLength)
    {
        byte[] bytes = new byte[8 + 1 + payloadLength];
        bytes[8] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(9), (ushort)keyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(bytes.Length - 8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(8)));
        Assert.Equal(FrameStatus.Malformed, RecordFormat.TryReadFrame(bytes, out _, out _));
    }

    [Fact]
    public void KeyOver65535BytesIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Encode(LogRecord.Set(new byte[65536], [], 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => Encode(LogRecord.Delete(new byte[65536])));
    }

    [Fact]
    public void RecoveryReplaysShortAndLongKeysInOrderAcrossSegments()
    {
        var fs = new FaultyFileSystem();
        string longA = new('a', 300);
        string longB = new('b', 65_535);
        var written = new List<Rec>(Records(30))
        {
            Rec.Set(longA, "first", 100, flags: 3, expiresAt: 1_900_000_000),
            Rec.Set(longB, "big key", 101),
            Rec.Delete(longA),
            Rec.Set(new string('c', 255), "edge", 102),
            Rec.Set(longA, "again", 103),
            Rec.Delete("key:1"),
        };
        written.AddRange(Records(30, "tail"));
        WriteLog(fs, written, Options(segmentLimit: 512));

        (RecoveryResult result, List<Rec> records) = Recover(fs);

        Assert.False(result.IsCorrupt);
        Assert.Equal(written, records);
        Assert.True(result.SegmentsRead > 2, $"{result.SegmentsRead} segments");
    }

    /// <summary>The crash keeps every possible prefix of a last record whose key is long.</summary>
    [Fact]
    public async Task TornLongKeyRecordAtEveryOffsetRecoversAllEarlierRecords()
    {
        List<Rec> earlier = Records(5);
        earlier.Add(Rec.Set(new string('e', 260), "earlier long", 50));
        Rec last = Rec.Set(new string('l', 270), "last", 60);
        int lastLength = last.EncodedLength();

        for (int kept = 0; kept <= lastLength; kept++)
        {
            FaultyFileSystem fs = await TornLastRecordAsync(earlier, last, kept);
            (RecoveryResult result, List<Rec> records) = Recover(fs);

            Assert.False(result.IsCorrupt, $"kept {kept}: {result}");
            Assert.Equal(kept == lastLength ? earlier.Append(last) : earlier, records);
            Assert.Equal(kept == lastLength ? 0 : kept, result.TruncatedBytes);
        }
    }

    [Fact]
    public async Task CompactionKeepsLiveLongKeyRecords()
    {
        var fs = new FaultyFileSystem();
        string longKey = new('x', 5000);
        var history = new List<Rec>();
        ulong cas = 0;
        for (int round = 0; round < 4; round++)
        {
            history.Add(Rec.Set(longKey, $"round {round}", ++cas));
            history.Add(Rec.Set(new string('y', 700), $"doomed {round}", ++cas));
            history.Add(Rec.Delete(new string('y', 700)));
            history.AddRange(Records(10, $"r{round}"));
        }

        Dictionary<string, Rec> state = Replay(history);
        LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.Always, segmentLimit: 2048));
        foreach (Rec record in history)
        {
            await record.AppendTo(writer);
        }

        await Rec.Set("active", "segment", ++cas).AppendTo(writer);
        state["active"] = Rec.Set("active", "segment", cas);
        CompactionResult? compaction = Compactor.Compact(fs, Dir, writer,
            (key, recordCas) => state.TryGetValue(Encoding.UTF8.GetString(key), out Rec? live) && live.Cas == recordCas);
        writer.Dispose();

        Assert.NotNull(compaction);
        Assert.True(compaction.RecordsDropped > 0);
        (RecoveryResult recovered, List<Rec> records) = Recover(fs);
        Assert.False(recovered.IsCorrupt);
        Assert.Equal(state, Replay(records));
        Assert.Equal("round 3", Replay(records)[longKey].Value);
    }

    /// <summary>A 64 MiB value on the real disk: logged, kept by compaction (a dead record beside it dropped), recovered byte for byte.</summary>
    [Fact]
    public async Task CompactionAndRecoveryKeepASixtyFourMegabyteValue()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trove-bigvalue-" + Guid.NewGuid().ToString("N"));
        IFileSystem fs = LocalFileSystem.Instance;
        try
        {
            byte[] value = new byte[64 << 20];
            new Random(3).NextBytes(value);
            byte[] key = KeyOf(1000, (byte)'b');
            byte[] dead = new byte[1 << 20];
            RecoveryResult fresh = Recovery.Run(fs, dir, (in LogRecord _) => { });
            using (LogWriter writer = LogWriter.Open(fs, dir, fresh.NextSequence, Options(FsyncPolicy.No, segmentLimit: 1 << 20)))
            {
                await writer.AppendAsync(LogRecord.Set("dead"u8, dead, 0, 0, 1));
                await writer.AppendAsync(LogRecord.Set(key, value, 9, 0, 2));
                await writer.AppendAsync(LogRecord.Delete("dead"u8));
                await writer.AppendAsync(LogRecord.Set("active"u8, "x"u8, 0, 0, 3));
                await writer.SyncAsync();
                Assert.True(writer.ActiveSequence > 2, $"active segment {writer.ActiveSequence}");

                CompactionResult? compaction = Compactor.Compact(fs, dir, writer, (k, cas) => k.SequenceEqual(key) ? cas == 2 : k.SequenceEqual("active"u8));
                Assert.NotNull(compaction);
                Assert.Equal(1, compaction.RecordsKept);
                Assert.Equal(1, compaction.RecordsDropped); // the dead Set; its Delete stays in the active segment
            }

            int found = 0;
            RecoveryResult recovered = Recovery.Run(fs, dir, (in LogRecord record) =>
            {
                if (record.Key.SequenceEqual(key))
                {
                    found++;
                    Assert.Equal(RecordType.Set, record.Type);
                    Assert.Equal(9u, record.ClientFlags);
                    Assert.True(record.Value.SequenceEqual(value));
                }
                else
                {
                    // The active segment's records: the Delete of the dropped key, then "active".
                    Assert.True(record.Key.SequenceEqual(record.Type == RecordType.Delete ? "dead"u8 : "active"u8));
                }
            });
            Assert.False(recovered.IsCorrupt);
            Assert.Equal(1, found);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

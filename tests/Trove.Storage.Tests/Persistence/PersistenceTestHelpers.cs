using System.Text;
using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.Persistence;

/// <summary>A record the tests can keep in lists (LogRecord is a ref struct).</summary>
internal sealed record Rec(RecordType Type, string Key, string Value = "", ulong Cas = 0, uint Flags = 0, ulong ExpiresAt = 0,
    ItemBits Bits = ItemBits.None)
{
    public static Rec Set(string key, string value, ulong cas, uint flags = 0, ulong expiresAt = 0) =>
        new(RecordType.Set, key, value, cas, flags, expiresAt);

    public static Rec Delete(string key) => new(RecordType.Delete, key);

    public static Rec From(in LogRecord record) => new(record.Type, Encoding.UTF8.GetString(record.Key),
        Encoding.UTF8.GetString(record.Value), record.Cas, record.ClientFlags, record.ExpiresAtUnix, record.Bits);

    public Task AppendTo(LogWriter writer)
    {
        byte[] key = Encoding.UTF8.GetBytes(Key);
        return Type == RecordType.Set
            ? writer.AppendAsync(LogRecord.Set(key, Encoding.UTF8.GetBytes(Value), Flags, ExpiresAt, Cas, Bits))
            : writer.AppendAsync(LogRecord.Delete(key));
    }

    public int EncodedLength()
    {
        byte[] key = Encoding.UTF8.GetBytes(Key);
        return Type == RecordType.Set
            ? RecordFormat.EncodedLength(LogRecord.Set(key, Encoding.UTF8.GetBytes(Value), Flags, ExpiresAt, Cas, Bits))
            : RecordFormat.EncodedLength(LogRecord.Delete(key));
    }
}

internal static class PersistenceTestHelpers
{
    public const string Dir = "/data";

    public static LogWriterOptions Options(FsyncPolicy policy = FsyncPolicy.Always, long segmentLimit = 64L << 20) =>
        new() { Fsync = policy, SegmentSizeLimit = segmentLimit, SyncInterval = TimeSpan.FromHours(1) };

    public static List<Rec> Records(int count, string prefix = "key") =>
        Enumerable.Range(1, count).Select(i => Rec.Set($"{prefix}:{i}", $"value-{i}-{new string('v', i % 7)}", (ulong)i, (uint)i, 0)).ToList();

    /// <summary>Opens a writer on a fresh (or recovered) directory, appends every record and waits for each.</summary>
    public static void WriteLog(IFileSystem fs, IEnumerable<Rec> records, LogWriterOptions? options = null)
    {
        RecoveryResult recovered = Recovery.Run(fs, Dir, (in LogRecord _) => { });
        using LogWriter writer = LogWriter.Open(fs, Dir, recovered.NextSequence, options ?? Options());
        foreach (Rec record in records)
        {
            record.AppendTo(writer).GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// A fresh log holding <paramref name="durable"/> (fsynced) and then <paramref name="last"/> (not), after a power
    /// loss that kept <paramref name="kept"/> bytes of <paramref name="last"/>: a torn write of the last record.
    /// </summary>
    public static async Task<FaultyFileSystem> TornLastRecordAsync(IEnumerable<Rec> durable, Rec last, int kept)
    {
        var fs = new FaultyFileSystem();
        using (LogWriter writer = LogWriter.Open(fs, Dir, 1, Options(FsyncPolicy.No)))
        {
            await Task.WhenAll(durable.Select(r => r.AppendTo(writer)));
            await writer.SyncAsync();
            await last.AppendTo(writer);
            fs.Crash();
        }

        fs.PowerLoss((_, unsynced) => { Assert.Equal(last.EncodedLength(), unsynced); return kept; });
        return fs;
    }

    public static (RecoveryResult Result, List<Rec> Records) Recover(IFileSystem fs)
    {
        var records = new List<Rec>();
        RecoveryResult result = Recovery.Run(fs, Dir, (in LogRecord record) => records.Add(Rec.From(record)));
        return (result, records);
    }

    /// <summary>The key → live Set that replaying <paramref name="records"/> leaves, as the engine would hold it.</summary>
    public static Dictionary<string, Rec> Replay(IEnumerable<Rec> records)
    {
        var state = new Dictionary<string, Rec>(StringComparer.Ordinal);
        foreach (Rec record in records)
        {
            if (record.Type == RecordType.Set)
            {
                state[record.Key] = record;
            }
            else
            {
                state.Remove(record.Key);
            }
        }

        return state;
    }

    public static string SegmentPath(ulong sequence) => SegmentFiles.PathOf(Dir, sequence);
}

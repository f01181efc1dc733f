using System.Buffers;
using Trove.Protocol.Text;
using Trove.Server.Store;

namespace Trove.Server.Memcache.Stats;

/// <summary><c>stats store</c>: the mode, the fsync policy, what recovery did at start-up and the log's state now.</summary>
internal static class StoreStats
{
    public static void Write(ServerContext context, IBufferWriter<byte> output)
    {
        var stats = new StatWriter(output);
        if (context.Store is not NodeStore store)
        {
            stats.Text("store_mode"u8, "cache"u8);
            output.Write(TextReplies.End);
            return;
        }

        stats.Text("store_mode"u8, "store"u8);
        stats.Text("fsync"u8, store.Options.FsyncName);
        stats.Text("data_dir"u8, store.Directory);
        stats.Fixed("recovery_seconds"u8, store.RecoveryTime.TotalSeconds, 6);
        stats.Number("recovery_items"u8, (ulong)store.Recovery.RecordsRead);
        stats.Number("recovery_truncated_bytes"u8, (ulong)store.Recovery.TruncatedBytes);
        stats.Number("recovery_dropped_records"u8, (ulong)store.Recovery.DroppedRecords);
        stats.Number("log_segments"u8, (ulong)store.LogSegments());
        stats.Number("log_bytes"u8, (ulong)store.LogBytes());
        stats.Number("log_active_segment"u8, store.Writer.ActiveSequence);
        stats.Number("fsyncs"u8, (ulong)store.Writer.SyncCount);
        stats.Number("compactions"u8, (ulong)store.Compactions);
        stats.Number("store_write_errors"u8, (ulong)store.WriteErrors);
        stats.Text("store_writer_state"u8, store.Writer.Failure is { } failure ? failure.Kind.ToString() : "ok");
        Storage.DiskValueStats disk = context.Engine.GetDiskValueStats();
        long items = context.Engine.GetStats().CurrItems;
        stats.Number("items_on_disk"u8, (ulong)disk.ItemsOnDisk);
        stats.Number("items_in_memory"u8, (ulong)Math.Max(0, items - disk.ItemsOnDisk));
        stats.Number("value_bytes_on_disk"u8, (ulong)disk.ValueBytesOnDisk);
        stats.Number("disk_reads"u8, (ulong)disk.Reads);
        stats.Number("disk_read_bytes"u8, (ulong)disk.ReadBytes);
        stats.Number("disk_read_errors"u8, (ulong)disk.ReadErrors);
        stats.Number("demotions"u8, (ulong)disk.Demotions);
        stats.Number("promotions"u8, (ulong)disk.Promotions);
        stats.Number("relocations"u8, (ulong)disk.Relocations);
        output.Write(TextReplies.End);
    }
}

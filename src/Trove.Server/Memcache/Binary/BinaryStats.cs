using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Memcache.Stats;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// The binary stat command (memcached's process_bin_stat): each stat is a packet with its name as key and its value
/// as body, and the sequence ends with an empty packet. The text stats writers produce the same names and values, so
/// their "STAT name value" lines are written to a scratch buffer and re-framed; stats are not on the hot path.
/// </summary>
internal sealed class BinaryStats(ServerContext context, ClientConnection? connection)
{
    /// <summary>A scratch buffer grown beyond this (a large detail dump) is dropped after use.</summary>
    private const int RetainedCapacity = 64 * 1024;

    private ArrayBufferWriter<byte> _scratch = new(1024);

    public BinaryNext Execute(in BinaryHeader header, ReadOnlySpan<byte> group, IBufferWriter<byte> output)
    {
        uint opaque = header.Opaque;
        _scratch.ResetWrittenCount();
        try
        {
            return Write(header, group, output, opaque);
        }
        finally
        {
            if (_scratch.Capacity > RetainedCapacity)
            {
                _scratch = new ArrayBufferWriter<byte>(1024);
            }
        }
    }

    private BinaryNext Write(in BinaryHeader header, ReadOnlySpan<byte> group, IBufferWriter<byte> output, uint opaque)
    {
        // memcached matches these subcommands with strncmp on their length, so longer keys that start with them match too.
        if (group.IsEmpty)
        {
            GeneralStats.Write(context, _scratch);
        }
        else if (group.StartsWith("reset"u8))
        {
            // As in text: replies already handed to the connection left before the reset and are not counted after it.
            long sentBeforeReset = connection?.Transmit?.UnflushedBytes ?? 0;
            StatsCommand.Reset(context);
            context.Counters.Add(ProtocolCounter.BytesWritten, -sentBeforeReset);
        }
        else if (group.StartsWith("settings"u8))
        {
            SettingsStats.Write(context, _scratch);
        }
        else if (group.StartsWith("detail"u8))
        {
            ReadOnlySpan<byte> argument = group[6..];
            if (argument.StartsWith(" dump"u8))
            {
                context.PrefixStats.Dump(_scratch);
                BinaryResponseWriter.WriteStat(output, opaque, "detailed"u8, _scratch.WrittenSpan);
                _scratch.ResetWrittenCount();
            }
            else if (argument.StartsWith(" on"u8))
            {
                context.PrefixStats.Enabled = true;
            }
            else if (argument.StartsWith(" off"u8))
            {
                context.PrefixStats.Enabled = false;
            }
            else
            {
                BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.KeyNotFound, opaque);
                return BinaryNext.Send;
            }
        }
        else if (!IsEngineGroup(group) || !EngineStatsWriter.TryWrite(context, group, _scratch))
        {
            BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.KeyNotFound, opaque);
            return BinaryNext.Send;
        }

        Reframe(_scratch.WrittenSpan, output, opaque);
        BinaryResponseWriter.WriteStat(output, opaque, default, default);
        return BinaryNext.Continue;
    }

    /// <summary>The groups memcached's get_stats knows (conns, extstore and cachedump are text-only).</summary>
    private static bool IsEngineGroup(ReadOnlySpan<byte> group) =>
        group.SequenceEqual("items"u8) || group.SequenceEqual("slabs"u8) || group.SequenceEqual("sizes"u8)
        || group.SequenceEqual("sizes_enable"u8) || group.SequenceEqual("sizes_disable"u8);

    /// <summary>Turns "STAT name value\r\n" lines into stat packets; other lines (END) are dropped.</summary>
    private static void Reframe(ReadOnlySpan<byte> text, IBufferWriter<byte> output, uint opaque)
    {
        while (!text.IsEmpty)
        {
            int newline = text.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? default : text[(newline + 2)..];
            if (!line.StartsWith("STAT "u8))
            {
                continue;
            }
            line = line[5..];
            int space = line.IndexOf((byte)' ');
            ReadOnlySpan<byte> name = space < 0 ? line : line[..space];
            ReadOnlySpan<byte> value = space < 0 ? default : line[(space + 1)..];
            BinaryResponseWriter.WriteStat(output, opaque, name, value);
        }
    }
}

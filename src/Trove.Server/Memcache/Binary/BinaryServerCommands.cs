using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Trove.Protocol.Binary;
using Trove.Storage;

namespace Trove.Server.Memcache.Binary;

/// <summary>flush, version, noop and quit over the binary protocol.</summary>
internal static class BinaryServerCommands
{
    /// <summary>memcached's process_bin_flush: optional 4-byte expiration extras, as flush_all's delay.</summary>
    public static BinaryNext Flush(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> extras, IBufferWriter<byte> output)
    {
        if (context.Store is not null)
        {
            // Store mode: a flush is not logged (flushed items would come back at the next start), so it is refused.
            return BinaryKeyCommands.Error(in header, BinaryStatus.UnknownCommand, output);
        }
        uint delay = extras.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(extras) : 0;
        CacheEngine engine = context.Engine;
        uint at = delay > 0 ? engine.ToExpiry(delay) : engine.Now;
        engine.FlushAll(at);
        context.Settings.OldestLive = at - 1; // what memcached reports as "oldest" (it subtracts one when CAS is on)
        context.Counters.Add(ProtocolCounter.CmdFlush);
        return BinaryKeyCommands.Success(in header, output);
    }

    public static BinaryNext Version(ServerContext context, in BinaryHeader header, IBufferWriter<byte> output)
    {
        Span<byte> version = stackalloc byte[64];
        int length = Encoding.UTF8.GetBytes(context.Version.AsSpan(0, Math.Min(context.Version.Length, 16)), version);
        BinaryResponseWriter.WriteValue(output, header.Opcode, header.Opaque, version[..length]);
        return BinaryNext.Continue;
    }

    /// <summary>noop always answers and makes memcached send everything it holds: the end of a quiet pipeline.</summary>
    public static BinaryNext Noop(in BinaryHeader header, IBufferWriter<byte> output)
    {
        BinaryResponseWriter.WriteEmpty(output, header.Opcode, header.Opaque, 0);
        return BinaryNext.Send;
    }

    /// <summary>quit answers (quitq does not), then the connection closes once the replies are out.</summary>
    public static BinaryNext Quit(in BinaryHeader header, IBufferWriter<byte> output)
    {
        BinaryKeyCommands.Success(in header, output);
        return BinaryNext.Close;
    }
}

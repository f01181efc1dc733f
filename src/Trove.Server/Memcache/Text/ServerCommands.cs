using System.Buffers;
using System.Text;
using Trove.Protocol.Text;
using Trove.Storage;

namespace Trove.Server.Memcache.Text;

/// <summary>Commands about the server rather than items: flush_all, version, verbosity, cache_memlimit, shutdown.</summary>
internal static class ServerCommands
{
    /// <summary>memcached's MAX_VERBOSITY_LEVEL.</summary>
    private const uint MaxVerbosity = 2;

    /// <summary>cache_memlimit refuses values above this many megabytes as probably meant in bytes.</summary>
    private const uint MaxMemlimitMegabytes = 1_000_000_000;

    private const uint MinMemlimitMegabytes = 8;

    public static void FlushAll(ServerContext context, in TextRequest request, IBufferWriter<byte> output)
    {
        context.Counters.Add(ProtocolCounter.CmdFlush);
        if (context.Store is not null)
        {
            // Store mode logs item changes, and a flush is not one: flushed items would come back at the next start.
            output.Write("SERVER_ERROR flush_all is not supported in store mode\r\n"u8);
            return;
        }
        CacheEngine engine = context.Engine;
        // A delay of 0 or less means now; a positive one is an exptime (relative, or absolute past 30 days).
        uint at = request.HasDelay && request.Exptime > 0 ? engine.ToExpiry(request.Exptime) : engine.Now;
        engine.FlushAll(at);
        context.Settings.OldestLive = at - 1; // what memcached reports as "oldest" (it subtracts one when CAS is on)
        output.Reply(in request, TextReplies.Ok);
    }

    public static void Version(ServerContext context, IBufferWriter<byte> output)
    {
        output.Write("VERSION "u8);
        Span<byte> span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(context.Version.Length) + 2);
        int written = Encoding.UTF8.GetBytes(context.Version, span);
        "\r\n"u8.CopyTo(span.Slice(written));
        output.Advance(written + 2);
    }

    public static void Verbosity(ServerContext context, in TextRequest request, IBufferWriter<byte> output)
    {
        context.Verbosity = (int)Math.Min(request.Number, MaxVerbosity);
        output.Reply(in request, TextReplies.Ok);
    }

    public static void CacheMemlimit(ServerContext context, in TextRequest request, IBufferWriter<byte> output)
    {
        if (request.Number < MinMemlimitMegabytes)
        {
            output.Reply(in request, TextReplies.MemlimitTooSmall);
            return;
        }
        if (request.Number > MaxMemlimitMegabytes)
        {
            output.Reply(in request, TextReplies.MemlimitNotBytes);
            return;
        }
        context.Engine.SetMemoryLimit((long)request.Number << 20);
        output.Reply(in request, TextReplies.Ok);
    }

    /// <summary>"shutdown" and "shutdown graceful": both stop the node when enabled (memcached -A).</summary>
    public static CommandOutcome Shutdown(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (!context.Options.EnableShutdown)
        {
            output.Write(TextReplies.ShutdownNotEnabled);
            return CommandOutcome.Continue;
        }
        int count = request.Tokens.Count;
        if (count == 1 || (count == 2 && request.Tokens[1].Of(line).SequenceEqual("graceful"u8)))
        {
            context.ShutdownRequested?.Invoke();
            return CommandOutcome.HangUp; // memcached closes at once, without sending what it held
        }
        output.Write(TextReplies.InvalidShutdownMode);
        return CommandOutcome.Continue;
    }
}

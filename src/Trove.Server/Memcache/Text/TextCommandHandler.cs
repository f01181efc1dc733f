using System.Buffers;
using Trove.Protocol.Text;
using Trove.Server.Memcache.Stats;
using Trove.Server.Store;

namespace Trove.Server.Memcache.Text;

/// <summary>
/// Executes a parsed text request (other than the data-block commands, which <see cref="StorageCommands"/> runs once
/// their value has arrived) and writes its reply.
/// </summary>
internal static class TextCommandHandler
{
    /// <param name="context">The node.</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="line">The command line the request's offsets refer to.</param>
    /// <param name="output">Where the reply goes.</param>
    /// <param name="connection">The connection's registry entry, if it has one (for "stats conns").</param>
    /// <param name="repliesPending">Whether earlier commands of this batch left replies memcached would not have sent yet.</param>
    public static CommandOutcome Execute(
        ServerContext context,
        in TextRequest request,
        ReadOnlySpan<byte> line,
        IBufferWriter<byte> output,
        ClientConnection? connection = null,
        bool repliesPending = false)
    {
        if (request.Error != TextError.None)
        {
            if (request.Command == MemcacheCommand.FlushAll)
            {
                context.Counters.Add(ProtocolCounter.CmdFlush); // memcached counts flush_all before checking its delay
            }
            output.Reply(in request, TextReplies.For(request.Error));
            return CommandOutcome.Continue;
        }

        if (request.Command is MemcacheCommand.Delete or MemcacheCommand.Incr or MemcacheCommand.Decr or MemcacheCommand.Touch
            or MemcacheCommand.Gat or MemcacheCommand.Gats)
        {
            ReadOnlySpan<byte> refusal = WriteRefusal.For(context);
            if (!refusal.IsEmpty)
            {
                output.Write(refusal); // store mode with a failed log: sent even for noreply, as memcached sends errors
                return CommandOutcome.Continue;
            }
        }

        switch (request.Command)
        {
            case MemcacheCommand.Get or MemcacheCommand.Gets or MemcacheCommand.Gat or MemcacheCommand.Gats or MemcacheCommand.Bget:
                RetrievalCommands.Execute(context, in request, line, output, RetrievalCommands.IndexOfOverlongKey(line, request.KeysStart));
                break;
            case MemcacheCommand.Delete:
                KeyCommands.Delete(context, in request, line, output);
                break;
            case MemcacheCommand.Incr or MemcacheCommand.Decr:
                KeyCommands.Arithmetic(context, in request, line, output);
                break;
            case MemcacheCommand.Touch:
                KeyCommands.Touch(context, in request, line, output);
                break;
            case MemcacheCommand.Quit:
                return CommandOutcome.Quit;
            case MemcacheCommand.HttpRequest:
                return CommandOutcome.HangUp; // memcached hangs up on HTTP rather than answer it
            case MemcacheCommand.Shutdown:
                return ServerCommands.Shutdown(context, in request, line, output);
            case MemcacheCommand.FlushAll:
                ServerCommands.FlushAll(context, in request, output);
                break;
            case MemcacheCommand.Version:
                ServerCommands.Version(context, output);
                break;
            case MemcacheCommand.Verbosity:
                ServerCommands.Verbosity(context, in request, output);
                break;
            case MemcacheCommand.CacheMemlimit:
                ServerCommands.CacheMemlimit(context, in request, output);
                break;
            case MemcacheCommand.Stats:
                StatsCommand.Execute(context, in request, line, output, connection);
                break;
            case MemcacheCommand.Slabs:
                AdminCommands.Slabs(context, in request, line, output);
                break;
            case MemcacheCommand.Lru:
                AdminCommands.Lru(context, in request, line, output);
                break;
            case MemcacheCommand.LruCrawler:
                LruCrawlerCommand.Execute(context, in request, line, output, repliesPending);
                break;
            case MemcacheCommand.Watch:
                AdminCommands.Watch(in request, output);
                break;
            case MemcacheCommand.Extstore:
                AdminCommands.Extstore(context, in request, line, output);
                break;
            case MemcacheCommand.RefreshCerts:
                AdminCommands.RefreshCerts(context, output);
                break;
            default:
                output.Write(TextReplies.Error);
                break;
        }
        return CommandOutcome.Continue;
    }
}

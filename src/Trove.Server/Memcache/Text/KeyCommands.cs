using System.Buffers;
using Trove.Protocol.Text;
using Trove.Storage;

namespace Trove.Server.Memcache.Text;

/// <summary>The single-key commands without a data block: delete, incr, decr and touch.</summary>
internal static class KeyCommands
{
    public static void Delete(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> key = request.Key.Of(line);
        context.PrefixStats.RecordDelete(key);
        DeleteStatus status = context.Engine.Delete(key, default);
        output.Reply(in request, status == DeleteStatus.Deleted ? TextReplies.Deleted : TextReplies.NotFound);
    }

    public static void Arithmetic(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        var arithmetic = new ArithmeticRequest
        {
            Increment = request.Command == MemcacheCommand.Incr,
            Delta = request.Delta,
        };
        ArithmeticResult result = context.Engine.Arithmetic(request.Key.Of(line), in arithmetic);
        if (request.NoReply)
        {
            return;
        }
        switch (result.Status)
        {
            case ArithmeticStatus.Ok:
                TextReplyWriter.WriteNumberLine(output, result.Value);
                break;
            case ArithmeticStatus.NonNumeric:
                output.Write(TextReplies.NonNumeric);
                break;
            case ArithmeticStatus.OutOfMemory:
                output.Write(TextReplies.OutOfMemory);
                break;
            default:
                output.Write(TextReplies.NotFound);
                break;
        }
    }

    public static void Touch(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        CacheEngine engine = context.Engine;
        TouchStatus status = engine.Touch(request.Key.Of(line), engine.ToExpiry(request.Exptime));
        context.Counters.Add(ProtocolCounter.CmdTouch);
        output.Reply(in request, status == TouchStatus.Touched ? TextReplies.Touched : TextReplies.NotFound);
    }
}

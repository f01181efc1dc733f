using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Server.Store;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// Entry point of the meta protocol (mg, ms, md, ma, mn, me) for the connection session. Behaviour and replies
/// follow memcached 1.6.18 byte for byte, which the tests pin.
/// </summary>
internal static class MetaCommands
{
    /// <summary>
    /// Looks at a complete meta command line (first token is 2 bytes starting with 'm'; the line excludes its "\r\n"/"\n")
    /// before any data. Returns how many bytes after the line belong to the command (ms: datalen + 2; otherwise 0).
    /// When the command is rejected before its data (bad line, too large, ...), it has already written the error reply
    /// to output and sets rejected = true: the session then discards the returned number of bytes as they arrive.
    /// </summary>
    public static long Frame(ReadOnlySpan<byte> line, ServerContext context, IBufferWriter<byte> output, out bool rejected)
    {
        rejected = false;
        // Only ms carries data; every other command is judged in Execute.
        var tokens = new MetaTokens(line);
        if (!tokens.MoveNext() || !tokens.Current.SequenceEqual("ms"u8))
        {
            return 0;
        }
        return MetaSet.Frame(line, context, output, out rejected);
    }

    /// <summary>
    /// Executes a meta command that was not rejected. data holds exactly the bytes Frame returned (ms: the value plus its
    /// two terminator bytes, not yet checked). Writes the reply (nothing for a quiet success) to output.
    /// </summary>
    public static void Execute(ReadOnlySpan<byte> line, in ReadOnlySequence<byte> data, ServerContext context, IBufferWriter<byte> output)
    {
        byte[]? rented = MetaKeyBuffer.RentFor(line, context.MaxKeyLength);
        Span<byte> keyBuffer = rented ?? stackalloc byte[MetaRequest.KeyBufferLength];
        try
        {
            Execute(line, keyBuffer, data, context, output);
        }
        finally
        {
            MetaKeyBuffer.Return(rented);
        }
    }

    private static void Execute(ReadOnlySpan<byte> line, Span<byte> keyBuffer, in ReadOnlySequence<byte> data, ServerContext context, IBufferWriter<byte> output)
    {
        MetaRequest request = MetaCommandParser.Parse(line, keyBuffer, context.MaxKeyLength);
        if (request.Error != MetaParseError.None)
        {
            output.Write(MetaParseErrors.Reply(request.Error));
            return;
        }
        if (request.Command is MetaCommandKind.Set or MetaCommandKind.Delete or MetaCommandKind.Arithmetic)
        {
            ReadOnlySpan<byte> refusal = WriteRefusal.For(context);
            if (!refusal.IsEmpty)
            {
                output.Write(refusal); // store mode with a failed log
                return;
            }
        }
        switch (request.Command)
        {
            case MetaCommandKind.Get:
                MetaGet.Execute(request, context, output);
                break;
            case MetaCommandKind.Set:
                MetaSet.Execute(request, data, context, output);
                break;
            case MetaCommandKind.Delete:
                MetaDelete.Execute(request, context, output);
                break;
            case MetaCommandKind.Arithmetic:
                MetaArithmetic.Execute(request, context, output);
                break;
            case MetaCommandKind.NoOp:
                output.Write(MetaReplies.Mn);
                break;
            case MetaCommandKind.Debug:
                MetaDebug.Execute(request, context, output);
                break;
        }
    }
}

using System.Buffers;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// PLACEHOLDER owned by the meta-protocol branch, which replaces this file at merge. It exists only so the text
/// session compiles against the agreed contract: every meta command is answered with ERROR and carries no data.
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
        return 0;
    }

    /// <summary>
    /// Executes a meta command that was not rejected. data holds exactly the bytes Frame returned (ms: the value plus its
    /// two terminator bytes, not yet checked). Writes the reply (nothing for a quiet success) to output.
    /// </summary>
    public static void Execute(ReadOnlySpan<byte> line, in ReadOnlySequence<byte> data, ServerContext context, IBufferWriter<byte> output)
    {
        output.Write("ERROR\r\n"u8);
    }
}

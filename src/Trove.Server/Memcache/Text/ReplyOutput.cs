using System.Buffers;
using Trove.Protocol.Text;

namespace Trove.Server.Memcache.Text;

internal static class ReplyOutput
{
    /// <summary>
    /// memcached's out_string: once a command has seen its "noreply" flag, every reply it would send is suppressed,
    /// errors included (errors found before the flag is looked at, such as a wrong token count, are still sent).
    /// </summary>
    public static void Reply(this IBufferWriter<byte> output, in TextRequest request, ReadOnlySpan<byte> reply)
    {
        if (!request.NoReply)
        {
            output.Write(reply);
        }
    }
}

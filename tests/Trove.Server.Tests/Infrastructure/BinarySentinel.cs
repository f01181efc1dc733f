namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// The end-of-script marker of a binary connection: a noop with opaque 0xffffffff. memcached answers a noop always
/// (quiet or not, it is never quiet) and in order, after sending everything it held.
/// </summary>
internal static class BinarySentinel
{
    public static ReadOnlySpan<byte> Request =>
    [
        0x80, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    public static ReadOnlySpan<byte> Reply =>
    [
        0x81, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    public static int CountRequests(ReadOnlySpan<byte> script) => Count(script, Request);

    public static int CountReplies(ReadOnlySpan<byte> reply) => Count(reply, Reply);

    private static int Count(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> packet)
    {
        int count = 0;
        int at;
        while ((at = bytes.IndexOf(packet)) >= 0)
        {
            count++;
            bytes = bytes[(at + packet.Length)..];
        }

        return count;
    }
}

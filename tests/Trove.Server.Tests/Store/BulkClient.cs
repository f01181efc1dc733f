using System.Net;
using System.Net.Sockets;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Store;

/// <summary>
/// A client for requests and replies of many megabytes: sends while it reads, and recognises the end of a reply by
/// its tail only (the sentinel reply), so a 64 MiB reply costs one pass. A silence of 30 s fails the exchange.
/// </summary>
internal static class BulkClient
{
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    /// <summary>Sends <paramref name="request"/> and the text sentinel; returns the reply without the sentinel's.</summary>
    public static Task<byte[]> TextAsync(int port, byte[] request) =>
        ExchangeAsync(port, [.. request, .. Sentinel.Request], Sentinel.Reply.ToArray());

    /// <summary>Sends binary <paramref name="request"/> packets and the binary sentinel; returns the reply without the sentinel's.</summary>
    public static Task<byte[]> BinaryAsync(int port, byte[] request) =>
        ExchangeAsync(port, [.. request, .. BinarySentinel.Request], BinarySentinel.Reply.ToArray());

    private static async Task<byte[]> ExchangeAsync(int port, byte[] payload, byte[] end)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        using var silence = new CancellationTokenSource(Silence);
        Task sending = SendAsync(socket, payload, silence);
        var reply = new MemoryStream();
        byte[] buffer = new byte[1 << 20];
        while (reply.Length < end.Length || !reply.GetBuffer().AsSpan((int)reply.Length - end.Length, end.Length).SequenceEqual(end))
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, silence.Token);
            Assert.True(read > 0, $"the server closed after {reply.Length} reply bytes");
            reply.Write(buffer, 0, read);
            silence.CancelAfter(Silence);
        }

        await sending;
        return reply.GetBuffer().AsSpan(0, (int)reply.Length - end.Length).ToArray();
    }

    private static async Task SendAsync(Socket socket, byte[] payload, CancellationTokenSource silence)
    {
        for (int at = 0; at < payload.Length; at += 1 << 20)
        {
            await socket.SendAsync(payload.AsMemory(at, Math.Min(1 << 20, payload.Length - at)), SocketFlags.None, silence.Token);
            silence.CancelAfter(Silence);
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// A raw-socket client for byte scripts. Writes and reads run at the same time (a large script never deadlocks
/// against a server that answers while it reads). A script is sent in steps: each step gets the "mn" sentinel
/// appended, and the next step starts only after every sentinel of this one is answered, so a later step never
/// races an earlier one. Reading stops at the sentinels, when the peer closes, or on a hang.
/// </summary>
internal static class RawClient
{
    /// <summary>
    /// Runs the steps on one new connection and returns everything the server sent back. Every step but the last
    /// always gets a sentinel; the last one gets it when <paramref name="appendSentinel"/> is true (false for
    /// scripts after which the server closes the connection).
    /// </summary>
    /// <param name="port">The server's port on 127.0.0.1.</param>
    /// <param name="steps">Byte scripts, each answered in full before the next is sent.</param>
    /// <param name="delivery">How each step is cut into writes.</param>
    /// <param name="appendSentinel">Whether the last step gets a sentinel.</param>
    /// <param name="binary">The script speaks the binary protocol: the sentinel is a noop with opaque 0xffffffff.</param>
    public static async Task<Transcript> ExchangeAsync(int port, IReadOnlyList<byte[]> steps, Delivery delivery, bool appendSentinel = true, bool binary = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var reply = new MemoryStream();
        for (int i = 0; i < steps.Count; i++)
        {
            byte[] step = steps[i];
            byte[] sentinel = binary ? BinarySentinel.Request.ToArray() : Sentinel.Request.ToArray();
            byte[] payload = appendSentinel || i < steps.Count - 1 ? [.. step, .. sentinel] : step;
            ExchangeEnd end = await ExchangeStepAsync(socket, payload, delivery, reply, binary);
            if (end != ExchangeEnd.Sentinel)
            {
                return new Transcript(reply.ToArray(), end);
            }
        }

        return new Transcript(reply.ToArray(), ExchangeEnd.Sentinel);
    }

    public static Task<Transcript> ExchangeAsync(int port, byte[] script, Delivery? delivery = null) =>
        ExchangeAsync(port, [script], delivery ?? Delivery.Whole);

    private static async Task<ExchangeEnd> ExchangeStepAsync(Socket socket, byte[] payload, Delivery delivery, MemoryStream reply, bool binary)
    {
        int expected = binary ? BinarySentinel.CountRequests(payload) : Sentinel.CountRequests(payload);
        long stepStart = reply.Length;
        using var silence = new CancellationTokenSource(HarnessLimits.ReplySilence);
        Task sending = SendAsync(socket, payload, delivery, silence);

        var buffer = new byte[64 * 1024];
        ExchangeEnd end;
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, silence.Token);
            }
            catch (OperationCanceledException)
            {
                end = ExchangeEnd.Hang;
                break;
            }
            catch (SocketException)
            {
                // A reset after the server closed with our unread bytes in its buffer: the same as a close.
                end = ExchangeEnd.PeerClosed;
                break;
            }

            if (read == 0)
            {
                end = ExchangeEnd.PeerClosed;
                break;
            }

            silence.CancelAfter(HarnessLimits.ReplySilence);
            reply.Write(buffer, 0, read);
            ReadOnlySpan<byte> stepReply = reply.GetBuffer().AsSpan((int)stepStart, (int)(reply.Length - stepStart));
            if (expected > 0 && (binary ? BinarySentinel.CountReplies(stepReply) : Sentinel.CountReplies(stepReply)) >= expected)
            {
                end = ExchangeEnd.Sentinel;
                break;
            }
        }

        if (end != ExchangeEnd.Sentinel)
        {
            // Unblock a sender stuck on a server that stopped reading.
            await silence.CancelAsync();
        }

        await sending;
        return end;
    }

    private static async Task SendAsync(Socket socket, byte[] payload, Delivery delivery, CancellationTokenSource silence)
    {
        try
        {
            foreach (ReadOnlyMemory<byte> chunk in delivery.Chunks(payload))
            {
                await socket.SendAsync(chunk, SocketFlags.None, silence.Token);
                silence.CancelAfter(HarnessLimits.ReplySilence);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server closed or hung; the reader reports which.
        }
    }
}

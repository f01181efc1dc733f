using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>One step of a <see cref="LineClient"/> script: bytes to send and how many reply lines complete it.</summary>
/// <param name="Text">What to send (C# escapes, e.g. "\r\n", are already applied).</param>
/// <param name="Lines">
/// Reply lines that complete the step; 0 appends the "mn" sentinel and waits for "MN" (only after authentication:
/// before it, "mn" too is answered "CLIENT_ERROR unauthenticated"); -1 sends without waiting (part of a command
/// that gets no reply yet).
/// </param>
internal sealed record LineStep(string Text, int Lines = 0);

/// <summary>
/// A raw-socket client for conversations where the sentinel cannot be used (an unauthenticated connection answers
/// every command with one replaceable line). Each step is sent whole and read until its lines arrive, the peer
/// closes, or <see cref="HarnessLimits.ReplySilence"/> passes (a hang, which fails the test).
/// </summary>
internal static class LineClient
{
    /// <param name="port">The server's port.</param>
    /// <param name="steps">The conversation.</param>
    /// <param name="secure">Wraps the connection (a TLS handshake) before the first step; null for plain TCP.</param>
    public static async Task<Transcript> ExchangeAsync(int port, IReadOnlyList<LineStep> steps, Func<Stream, Task<Stream>>? secure = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using Stream stream = secure is null ? new NetworkStream(socket) : await secure(new NetworkStream(socket));
        var reply = new MemoryStream();
        var buffer = new byte[64 * 1024];
        foreach (LineStep step in steps)
        {
            string text = step.Lines == 0 ? step.Text + "mn\r\n" : step.Text;
            await stream.WriteAsync(Encoding.Latin1.GetBytes(text));
            await stream.FlushAsync();
            if (step.Lines < 0)
            {
                continue;
            }
            long start = reply.Length;
            using var silence = new CancellationTokenSource(HarnessLimits.ReplySilence);
            while (!Complete(reply.GetBuffer().AsSpan((int)start, (int)(reply.Length - start)), step.Lines))
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer, silence.Token);
                }
                catch (OperationCanceledException)
                {
                    return new Transcript(reply.ToArray(), ExchangeEnd.Hang);
                }
                catch (IOException)
                {
                    return new Transcript(reply.ToArray(), ExchangeEnd.PeerClosed); // a reset, or TLS torn down
                }
                if (read == 0)
                {
                    return new Transcript(reply.ToArray(), ExchangeEnd.PeerClosed);
                }
                reply.Write(buffer, 0, read);
            }
        }
        return new Transcript(reply.ToArray(), ExchangeEnd.Sentinel);
    }

    private static bool Complete(ReadOnlySpan<byte> stepReply, int lines) =>
        lines == 0 ? stepReply.EndsWith("MN\r\n"u8) : Count(stepReply) >= lines;

    private static int Count(ReadOnlySpan<byte> text)
    {
        int count = 0;
        int at;
        while ((at = text.IndexOf("\r\n"u8)) >= 0)
        {
            count++;
            text = text.Slice(at + 2);
        }
        return count;
    }
}

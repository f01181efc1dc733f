using System.Net;
using System.Net.Sockets;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Fuzz;

/// <summary>How a fuzz connection ends after its input is written.</summary>
internal enum Ending
{
    /// <summary>Half-close, then read until the server closes too; a server that never does is a failure.</summary>
    HalfCloseAndDrain,

    /// <summary>Close without reading the replies.</summary>
    Close,

    /// <summary>Abort with a TCP reset (linger 0).</summary>
    Reset,
}

/// <summary>One short connection that writes an input (whole or in seeded pieces) and ends in one of the <see cref="Ending"/>s.</summary>
internal static class FuzzConnection
{
    /// <summary>Null when the server behaved; otherwise what went wrong.</summary>
    public static async Task<string?> RunAsync(int port, byte[] input, Random random)
    {
        var ending = (Ending)random.Next(3);
        Delivery delivery = random.Next(3) == 0 ? Delivery.RandomSplits(random.Next()) : Delivery.Whole;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
        }
        catch (SocketException ex)
        {
            return $"connect failed: {ex.SocketErrorCode}";
        }

        using var silence = new CancellationTokenSource(HarnessLimits.ReplySilence);
        Task draining = ending == Ending.HalfCloseAndDrain ? DrainAsync(socket, silence) : Task.CompletedTask;
        try
        {
            foreach (ReadOnlyMemory<byte> chunk in delivery.Chunks(input))
            {
                await socket.SendAsync(chunk, SocketFlags.None, silence.Token);
                silence.CancelAfter(HarnessLimits.ReplySilence);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The server closed (e.g. after quit or a line too long): allowed.
        }

        switch (ending)
        {
            case Ending.HalfCloseAndDrain:
                TryShutdownSend(socket);
                try
                {
                    await draining;
                }
                catch (OperationCanceledException)
                {
                    return $"the server kept the connection open {HarnessLimits.ReplySilence} after the client's FIN ({delivery})";
                }

                break;
            case Ending.Reset:
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                break;
            default:
                socket.Close();
                break;
        }

        return null;
    }

    private static async Task DrainAsync(Socket socket, CancellationTokenSource silence)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, silence.Token);
            }
            catch (SocketException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            silence.CancelAfter(HarnessLimits.ReplySilence);
        }
    }

    private static void TryShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already reset by the server.
        }
    }
}

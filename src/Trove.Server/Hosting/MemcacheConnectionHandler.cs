using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Trove.Server.Cluster;
using Trove.Server.Memcache;
using Trove.Server.Store;

namespace Trove.Server.Hosting;

/// <summary>
/// Drives one client connection: read whatever arrived, let the session parse and execute every complete
/// request in it, then flush all replies with one write. The session does the protocol; this class does I/O.
/// </summary>
internal sealed class MemcacheConnectionHandler(ServerContext context, ILogger<MemcacheConnectionHandler> logger) : ConnectionHandler
{
    private static ReadOnlySpan<byte> TooManyConnections => "ERROR Too many open connections\r\n"u8;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (!context.TryOpenConnection())
        {
            // memcached writes this line and closes when -c is reached.
            context.Counters.Add(ProtocolCounter.RejectedConnections);
            connection.Transport.Output.Write(TooManyConnections);
            await connection.Transport.Output.FlushAsync();
            return;
        }

        try
        {
            await ServeAsync(connection);
        }
        catch (Exception ex) when (IsDisconnect(ex))
        {
            // The client went away; nothing to report.
        }
        catch (Exception ex)
        {
            ServerLog.ConnectionFailed(logger, connection.ConnectionId, ex);
        }
        finally
        {
            context.CloseConnection();
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;
        using ClientConnection registered = context.Connections.Register(connection.RemoteEndPoint, connection.LocalEndPoint, context.Engine.Now);
        registered.Transmit = output;
        var session = new ConnectionSession(context, registered); // text/meta or binary, by the first byte
        // In a cluster, replies of forwarded requests are put in order by the assembler; a lone node writes straight to the pipe.
        ClusterRouting? routing = context.Routing;
        ReplyAssembler? assembler = routing is null ? null : new ReplyAssembler(output);
        IBufferWriter<byte> replies = assembler is null ? output : assembler;

        // On shutdown Kestrel asks each connection to close; an idle client would otherwise hold the
        // node open until the shutdown timeout. Cancelling the pending read ends the loop after the
        // batch in hand is answered.
        CancellationToken closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        using CancellationTokenRegistration closing = closeRequested.Register(
            static state => ((PipeReader)state!).CancelPendingRead(), input);
        registered.RequestClose = input.CancelPendingRead; // the idle sweep, the same way

        // Bytes left unconsumed by the previous batch: the rest of this read's buffer arrived since.
        long carried = 0;
        while (true)
        {
            ReadResult read = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = read.Buffer;

            // Counted on arrival, before the commands run, as memcached does: a stats command sees its own bytes.
            context.Counters.Add(ProtocolCounter.BytesRead, buffer.Length - carried);
            SessionResult outcome = session.Process(buffer, replies, out SequencePosition consumed, out SequencePosition examined);
            carried = buffer.Length - buffer.Slice(buffer.Start, consumed).Length;
            input.AdvanceTo(consumed, examined);
            // Taken at once, before any await, so it is exactly this batch's log appends and replication (BatchDurability).
            if (!await BatchDurability.Take(context))
            {
                // The log did not take this batch's writes: its replies may claim success, so none is sent.
                // The client sees the connection drop, never an acknowledgement of a write that is not logged.
                connection.Abort(new ConnectionAbortedException("store mode: the log write failed"));
                break;
            }
            if (assembler is not null)
            {
                if (assembler.HasPending)
                {
                    await assembler.DrainAsync();
                }
            }

            long pending = output.UnflushedBytes;
            if (pending > 0)
            {
                context.Counters.Add(ProtocolCounter.BytesWritten, pending);
                FlushResult flushed = await output.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }

            // A session that yielded left input unexamined: it is served even when the client has finished sending.
            bool inputLeft = !examined.Equals(buffer.End);
            if (outcome == SessionResult.Close || read.IsCanceled || (read.IsCompleted && !inputLeft))
            {
                break;
            }
        }

        // Closing a TLS connection ourselves (quit, an error): say so with close_notify, as memcached's SSL_shutdown
        // does; strict clients (openssl s_client) report a bare close as a truncation. The replies are already in
        // the stream, since Kestrel's TLS pipe writes through to it on flush.
        if (connection.Features.Get<ISslStreamFeature>() is { } tls)
        {
            try
            {
                await tls.SslStream.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client is already gone: nobody to tell.
            }
        }
    }

    private static bool IsDisconnect(Exception ex) =>
        ex is ConnectionResetException or ConnectionAbortedException or OperationCanceledException or IOException;
}

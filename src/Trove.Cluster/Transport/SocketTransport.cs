using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Trove.Cluster.Transport;

/// <summary>
/// The real network: datagrams over UDP and exchanges over one short TCP connection each (request and reply, each
/// framed as <c>length:u32be bytes</c>), both on the same port, as memberlist's NetTransport. Receive loops catch
/// every error per datagram or connection, so nothing a peer sends can stop them.
/// </summary>
public sealed class SocketTransport : IClusterTransport
{
    /// <summary>Largest stream message accepted; a full state of thousands of members fits easily.</summary>
    private const int MaxStreamMessage = 16 * 1024 * 1024;

    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _streamTimeout;
    private IClusterTransportHandler? _handler;

    /// <summary>Binds UDP and TCP on <paramref name="bind"/> (port 0: a free port, the same for both).</summary>
    public SocketTransport(IPEndPoint bind, TimeSpan streamTimeout, string? advertiseHost = null)
    {
        _streamTimeout = streamTimeout;
        _tcp = new TcpListener(bind);
        _tcp.Start();
        int port = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        _udp = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _udp.Bind(new IPEndPoint(bind.Address, port));
        }
        catch
        {
            _tcp.Stop();
            _udp.Dispose();
            throw;
        }
        LocalAddress = new NodeAddress(advertiseHost ?? bind.Address.ToString(), port);
    }

    public NodeAddress LocalAddress { get; }

    /// <summary>
    /// The first four bytes of a node-to-node data stream ("TRVD"). A membership exchange starts with its length, which
    /// is below 16 MiB, so its first byte is 0 or 1 and the two kinds of stream share the port unambiguously.
    /// </summary>
    public static ReadOnlySpan<byte> DataStreamMagic => "TRVD"u8;

    /// <summary>
    /// Takes over a TCP connection that opened with <see cref="DataStreamMagic"/> (the server's request routing and
    /// replication); the handler owns the socket from then on. Null: such connections are closed.
    /// </summary>
    public Func<Socket, Task>? DataStreamHandler { get; set; }

    public void Start(IClusterTransportHandler handler)
    {
        _handler = handler;
        _ = Task.Run(ReceivePacketsAsync);
        _ = Task.Run(AcceptStreamsAsync);
    }

    public void SendPacket(NodeAddress to, byte[] packet)
    {
        try
        {
            _udp.SendTo(packet, Resolve(to));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Best effort by contract: a lost datagram is what the protocol expects.
        }
    }

    public void Exchange(NodeAddress to, byte[] request, TimeSpan timeout, Action<byte[]?> onReply)
        => _ = Task.Run(async () =>
        {
            byte[]? reply = null;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                cts.CancelAfter(timeout);
                using var client = new TcpClient(Resolve(to).AddressFamily);
                await client.ConnectAsync(Resolve(to), cts.Token);
                NetworkStream stream = client.GetStream();
                await WriteFrameAsync(stream, request, cts.Token);
                reply = await ReadFrameAsync(stream, cts.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                reply = null;
            }
            onReply(reply);
        });

    private async Task ReceivePacketsAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_udp.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult result = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var from = (IPEndPoint)result.RemoteEndPoint;
                _handler!.OnPacket(new NodeAddress(from.Address.ToString(), from.Port), buffer.AsSpan(0, result.ReceivedBytes).ToArray());
            }
            catch (SocketException)
            {
                // ICMP port unreachable from an earlier send and the like: the next datagram is unaffected.
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task AcceptStreamsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeStreamAsync(client));
        }
    }

    private async Task ServeStreamAsync(TcpClient client)
    {
        bool handedOver = false;
        try
        {
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                // A peer that connects and never sends is cut off instead of holding a task forever.
                cts.CancelAfter(_streamTimeout);
                NetworkStream stream = client.GetStream();
                var header = new byte[4];
                await stream.ReadExactlyAsync(header, cts.Token);
                if (header.AsSpan().SequenceEqual(DataStreamMagic))
                {
                    if (DataStreamHandler is not { } dataHandler)
                        return;
                    handedOver = true;
                    await dataHandler(client.Client);
                    return;
                }
                byte[] request = await ReadFrameBodyAsync(stream, header, cts.Token);
                var from = (IPEndPoint)client.Client.RemoteEndPoint!;
                byte[]? reply = _handler!.OnStream(new NodeAddress(from.Address.ToString(), from.Port), request);
                if (reply is not null)
                    await WriteFrameAsync(stream, reply, cts.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                // The peer hung up, sent garbage or was too slow: only this exchange fails.
            }
        }
        finally
        {
            if (!handedOver)
                client.Dispose();
        }
    }

    private static async Task WriteFrameAsync(NetworkStream stream, byte[] body, CancellationToken token)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)body.Length);
        await stream.WriteAsync(header, token);
        await stream.WriteAsync(body, token);
    }

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, CancellationToken token)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, token);
        return await ReadFrameBodyAsync(stream, header, token);
    }

    private static async Task<byte[]> ReadFrameBodyAsync(NetworkStream stream, byte[] header, CancellationToken token)
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxStreamMessage)
            throw new InvalidDataException("stream message too long");
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, token);
        return body;
    }

    private static IPEndPoint Resolve(NodeAddress address)
        => new(IPAddress.TryParse(address.Host, out IPAddress? ip) ? ip : Dns.GetHostAddresses(address.Host)[0], address.Port);

    public void Dispose()
    {
        _stop.Cancel();
        _tcp.Stop();
        _udp.Dispose();
    }
}

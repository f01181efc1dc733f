namespace Trove.Cluster.Transport;

/// <summary>What a transport calls when something arrives; implemented by the membership node.</summary>
public interface IClusterTransportHandler
{
    /// <summary>A datagram arrived. Must not throw; may be called on any thread.</summary>
    void OnPacket(NodeAddress from, ReadOnlyMemory<byte> packet);

    /// <summary>A stream request arrived; the return value (null: none) is the reply. Must not throw.</summary>
    byte[]? OnStream(NodeAddress from, ReadOnlyMemory<byte> request);
}

/// <summary>
/// The network seam of the membership protocol, as memberlist's Transport: unreliable datagrams for probes and
/// gossip, and a reliable request/reply exchange for push-pull and join. Implementations: <see cref="InMemoryNetwork"/>
/// (deterministic, driven by a TimeProvider) and <see cref="SocketTransport"/> (UDP + TCP).
/// </summary>
public interface IClusterTransport : IDisposable
{
    /// <summary>The address peers reach this transport at.</summary>
    NodeAddress LocalAddress { get; }

    /// <summary>Starts delivering to <paramref name="handler"/>; called once.</summary>
    void Start(IClusterTransportHandler handler);

    /// <summary>Sends one datagram, best effort: it may be lost, delayed or reordered and no error is reported.</summary>
    void SendPacket(NodeAddress to, byte[] packet);

    /// <summary>
    /// Sends <paramref name="request"/> over a reliable stream and calls <paramref name="onReply"/> exactly once with the
    /// reply, or with null when the peer cannot be reached or does not answer within <paramref name="timeout"/>.
    /// </summary>
    void Exchange(NodeAddress to, byte[] request, TimeSpan timeout, Action<byte[]?> onReply);
}

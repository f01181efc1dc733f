using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Memcache.Binary;

namespace Trove.Server.Memcache;

/// <summary>
/// Picks the protocol on a connection's first byte, as memcached 1.6 does by default (-B auto): 0x80 starts a binary
/// session, anything else the text/meta one, and the connection keeps that protocol for its life. With an auth file
/// both protocols ask for credentials: text with memcached's -Y scheme, binary with SASL PLAIN as memcached's -S.
/// </summary>
public sealed class ConnectionSession(ServerContext context, ClientConnection? connection) : IProtocolSession
{
    private IProtocolSession? _session;

    /// <summary>Whether the connection turned out to speak the binary protocol (false until its first byte).</summary>
    public bool IsBinary => _session is BinarySession;

    public SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined)
    {
        if (_session is null)
        {
            if (!new SequenceReader<byte>(input).TryPeek(out byte first))
            {
                consumed = input.Start;
                examined = input.End;
                return SessionResult.Continue;
            }
            // memcached -Y forces ascii; Trove instead authenticates binary clients with SASL PLAIN against the
            // same file (BinarySasl), so libmemcached and other binary clients can log in.
            _session = first == BinaryHeader.RequestMagic
                ? new BinarySession(context, connection)
                : new MemcacheSession(context, connection);
        }
        return _session.Process(input, output, out consumed, out examined);
    }
}

using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Memcache.Binary;

namespace Trove.Server.Memcache;

/// <summary>
/// Picks the protocol on a connection's first byte, as memcached 1.6 does by default (-B auto): 0x80 starts a binary
/// session, anything else the text/meta one, and the connection keeps that protocol for its life. With
/// authentication on, every connection is text, as memcached with -Y.
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
            // With an auth file memcached forces the ascii protocol (its -Y tokens are text only), so a binary
            // client gets no way around authentication: its packets are text junk to the unauthenticated session.
            _session = first == BinaryHeader.RequestMagic && context.Credentials is null
                ? new BinarySession(context, connection)
                : new MemcacheSession(context, connection);
        }
        return _session.Process(input, output, out consumed, out examined);
    }
}

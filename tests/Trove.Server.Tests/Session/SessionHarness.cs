using System.Buffers;
using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Auth;
using Trove.Storage;

namespace Trove.Server.Tests.Session;

/// <summary>
/// Drives a session the way the connection handler does, without sockets: bytes are appended to an input buffer, the
/// session is given all unconsumed bytes, and what it consumed is dropped from the front. The session is the
/// handler's <see cref="ConnectionSession"/>, so the first byte picks text/meta or binary as on a real connection.
/// </summary>
internal sealed class SessionHarness : IDisposable
{
    private readonly List<byte> _unconsumed = [];
    private readonly ArrayBufferWriter<byte> _output = new();

    /// <param name="options">Server options (defaults if null).</param>
    /// <param name="engineOptions">Engine options (defaults if null).</param>
    /// <param name="credentials">Turns authentication on; the session then also gets a registered <see cref="Connection"/>.</param>
    public SessionHarness(ServerOptions? options = null, EngineOptions? engineOptions = null, CredentialStore? credentials = null)
    {
        Time = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Engine = new CacheEngine(engineOptions ?? new EngineOptions(), Time);
        Context = new ServerContext(Engine, options ?? new ServerOptions(), Time) { Credentials = credentials };
        Connection = credentials is null ? null : Context.Connections.Register(remote: null, local: null, now: 0);
        Session = new ConnectionSession(Context, Connection);
    }

    /// <summary>The session's registry entry when authentication is on, else null.</summary>
    public ClientConnection? Connection { get; }

    public ManualTimeProvider Time { get; }
    public CacheEngine Engine { get; }
    public ServerContext Context { get; }
    public ConnectionSession Session { get; }

    /// <summary>Bytes received but not yet consumed by the session (what the pipe would still hold).</summary>
    public int Unconsumed => _unconsumed.Count;

    /// <summary>The last result the session returned.</summary>
    public SessionResult LastResult { get; private set; } = SessionResult.Continue;

    /// <summary>Replies produced so far, as text.</summary>
    public string Output => Encoding.Latin1.GetString(_output.WrittenSpan);

    /// <summary>Sends text (Latin-1, so any byte value can be written) and returns the replies it produced.</summary>
    public string Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    public string Send(byte[] data, Func<byte[], ReadOnlySequence<byte>>? segment = null)
    {
        if (LastResult == SessionResult.Close)
        {
            throw new InvalidOperationException("The session asked to close the connection.");
        }
        int before = _output.WrittenCount;
        _unconsumed.AddRange(data);
        bool inputLeft;
        do
        {
            // As the connection handler: a session that yielded left input unexamined and is called again at once.
            byte[] buffer = _unconsumed.ToArray();
            ReadOnlySequence<byte> input = segment is null ? new ReadOnlySequence<byte>(buffer) : segment(buffer);

            LastResult = Session.Process(input, _output, out SequencePosition consumed, out SequencePosition examined);

            long consumedBytes = input.Slice(0, consumed).Length;
            long examinedBytes = input.Slice(0, examined).Length;
            if (examinedBytes < consumedBytes)
            {
                throw new InvalidOperationException("examined must not be before consumed");
            }
            _unconsumed.RemoveRange(0, (int)consumedBytes);
            inputLeft = examinedBytes < input.Length;
            if (inputLeft)
            {
                Yields++;
            }
        }
        while (inputLeft && LastResult == SessionResult.Continue);
        return Encoding.Latin1.GetString(_output.WrittenSpan.Slice(before));
    }

    /// <summary>How often the session returned early with input left (a yield after its quota of commands).</summary>
    public int Yields { get; private set; }

    /// <summary>Sends every byte separately, as a connection that delivers one byte per read would.</summary>
    public string SendByteByByte(string text)
    {
        var replies = new StringBuilder();
        foreach (byte b in Encoding.Latin1.GetBytes(text))
        {
            if (LastResult == SessionResult.Close)
            {
                break;
            }
            replies.Append(Send([b]));
        }
        return replies.ToString();
    }

    public void Dispose()
    {
        Connection?.Dispose();
        Engine.Dispose();
    }
}

using System.Buffers;

namespace Trove.Server.Memcache;

public enum SessionResult
{
    Continue,
    Close,
}

/// <summary>PLACEHOLDER until the text-protocol branch lands: answers every line with ERROR.</summary>
public sealed class MemcacheSession(ServerContext context)
{
    public SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined)
    {
        _ = context;
        var reader = new SequenceReader<byte>(input);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            output.Write("ERROR\r\n"u8);
        }
        consumed = reader.Position;
        examined = input.End;
        return SessionResult.Continue;
    }
}

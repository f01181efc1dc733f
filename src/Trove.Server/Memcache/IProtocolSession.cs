using System.Buffers;

namespace Trove.Server.Memcache;

/// <summary>One connection's protocol state without I/O: the text/meta session or the binary one.</summary>
public interface IProtocolSession
{
    /// <summary>
    /// Executes every complete request in input, appending replies to output (never flushes). consumed/examined
    /// follow PipeReader.AdvanceTo semantics.
    /// </summary>
    SessionResult Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed, out SequencePosition examined);
}

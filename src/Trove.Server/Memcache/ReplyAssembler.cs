using System.Buffers;
using System.IO.Pipelines;

namespace Trove.Server.Memcache;

/// <summary>
/// A connection's output in a cluster: replies in request order when some are computed here and some come back from
/// other nodes. Until the first forwarded request of a batch, writes go straight to the pipe (a batch of local requests
/// costs nothing extra); after it, local replies are kept aside, and <see cref="DrainAsync"/> writes each forwarded reply
/// as it arrives followed by what was written after it. Not thread safe: one connection uses it.
/// </summary>
internal sealed class ReplyAssembler(PipeWriter pipe) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _aside = new();
    private readonly List<Entry> _entries = [];
    private int _chunkStart;

    private readonly record struct Entry(Task<ReadOnlyMemory<byte>>? Reply, int Start, int Length);

    /// <summary>Whether forwarded replies are outstanding in this batch.</summary>
    public bool HasPending => _entries.Count > 0;

    public void Advance(int count)
    {
        if (HasPending)
            _aside.Advance(count);
        else
            pipe.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => HasPending ? _aside.GetMemory(sizeHint) : pipe.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => HasPending ? _aside.GetSpan(sizeHint) : pipe.GetSpan(sizeHint);

    /// <summary>Puts a reply that will arrive later at this point of the output.</summary>
    public void AddPending(Task<ReadOnlyMemory<byte>> reply)
    {
        CloseChunk();
        _entries.Add(new Entry(reply, 0, 0));
    }

    /// <summary>Writes everything in order into the pipe, waiting for forwarded replies; then writes go straight through again.</summary>
    public async ValueTask DrainAsync()
    {
        CloseChunk();
        foreach (Entry entry in _entries)
        {
            if (entry.Reply is { } reply)
            {
                ReadOnlyMemory<byte> bytes = reply.IsCompletedSuccessfully ? reply.Result : await reply.ConfigureAwait(false);
                pipe.Write(bytes.Span);
            }
            else
            {
                pipe.Write(_aside.WrittenSpan.Slice(entry.Start, entry.Length));
            }
        }
        _entries.Clear();
        _aside.ResetWrittenCount();
        _chunkStart = 0;
    }

    private void CloseChunk()
    {
        int end = _aside.WrittenCount;
        if (end > _chunkStart)
            _entries.Add(new Entry(null, _chunkStart, end - _chunkStart));
        _chunkStart = end;
    }
}

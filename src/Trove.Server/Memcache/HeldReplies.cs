using System.Buffers;

namespace Trove.Server.Memcache;

/// <summary>
/// Replies memcached would still hold unsent. memcached queues replies and sends them when it runs out of input,
/// after a get, after "mn", and every 20 commands; until then some events throw them away (a get with an overlong
/// key, hanging up on junk or HTTP). Holding replies here until the same points lets the session do the same.
/// Retrieved values never pass through here: a get first sends what is held, then writes its values straight out.
/// </summary>
internal sealed class HeldReplies : IBufferWriter<byte>
{
    private const int InitialCapacity = 512;

    /// <summary>A buffer grown beyond this (large stats output) is dropped once emptied, not kept by an idle connection.</summary>
    private const int RetainedCapacity = 64 * 1024;

    private byte[] _buffer = [];
    private int _count;

    public bool IsEmpty => _count == 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _count)
        {
            throw new InvalidOperationException("Advanced past the buffer handed out.");
        }
        _count += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_count);
    }

    /// <summary>Sends everything held to <paramref name="output"/>.</summary>
    public void FlushTo(IBufferWriter<byte> output)
    {
        if (_count > 0)
        {
            output.Write(_buffer.AsSpan(0, _count));
            Discard();
        }
    }

    /// <summary>Forgets everything held.</summary>
    public void Discard()
    {
        _count = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            _buffer = [];
        }
    }

    private void Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _count >= needed)
        {
            return;
        }
        int capacity = Math.Max(Math.Max(InitialCapacity, _buffer.Length * 2), _count + needed);
        Array.Resize(ref _buffer, capacity);
    }
}

using System.Buffers;

namespace Trove.Tests.Shared;

/// <summary>Builds multi-segment sequences so parsers are tested on input split the way sockets split it.</summary>
internal static class Sequences
{
    /// <summary>The bytes split at the given offsets (each cut starts a new segment).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts)
    {
        var pieces = new List<byte[]>();
        int start = 0;
        foreach (int cut in cuts)
        {
            pieces.Add(data[start..cut].ToArray());
            start = cut;
        }
        pieces.Add(data[start..].ToArray());
        return Join(pieces);
    }

    /// <summary>One segment per byte: the worst split a reader can face.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> data)
    {
        var pieces = new List<byte[]>();
        foreach (byte b in data)
        {
            pieces.Add([b]);
        }
        return Join(pieces);
    }

    /// <summary>One segment per piece, in order.</summary>
    public static ReadOnlySequence<byte> Join(IReadOnlyList<byte[]> pieces)
    {
        if (pieces.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(pieces[0], 0);
        Segment last = first;
        for (int i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

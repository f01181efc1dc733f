namespace Trove.Cluster.Membership;

/// <summary>
/// State changes waiting to be piggybacked, as memberlist's TransmitLimitedQueue: at most one entry per member
/// (a newer change about a member replaces the older one, which it makes obsolete), least-sent first and newest
/// first among equals, and each entry dropped after it was sent <c>transmitLimit</c> times. Not thread-safe: the
/// node calls it under its lock.
/// </summary>
internal sealed class BroadcastQueue
{
    private readonly Dictionary<string, Entry> _byNode = [];
    private long _nextId;

    public int Count => _byNode.Count;

    /// <summary>Queues the framed message <paramref name="frame"/> about <paramref name="node"/>, replacing any older one.</summary>
    public void Enqueue(string node, byte[] frame) => _byNode[node] = new Entry(frame, _nextId++);

    /// <summary>
    /// Takes the frames that fit in <paramref name="budget"/> bytes, counting one transmission for each and dropping
    /// those that reach <paramref name="transmitLimit"/>.
    /// </summary>
    public List<byte[]> Take(int budget, int transmitLimit)
    {
        var taken = new List<byte[]>();
        if (_byNode.Count == 0)
            return taken;
        var order = new List<KeyValuePair<string, Entry>>(_byNode);
        order.Sort((a, b) => a.Value.Transmits != b.Value.Transmits
            ? a.Value.Transmits.CompareTo(b.Value.Transmits)
            : b.Value.Id.CompareTo(a.Value.Id));
        foreach ((string node, Entry entry) in order)
        {
            if (entry.Frame.Length > budget)
                continue;
            budget -= entry.Frame.Length;
            taken.Add(entry.Frame);
            entry.Transmits++;
            if (entry.Transmits >= transmitLimit)
                _byNode.Remove(node);
        }
        return taken;
    }

    /// <summary>memberlist's limit: retransmitMult * ceil(log10(n + 1)), n the number of live members.</summary>
    public static int TransmitLimit(int retransmitMult, int liveMembers)
        => retransmitMult * (int)Math.Ceiling(Math.Log10(liveMembers + 1));

    private sealed class Entry(byte[] frame, long id)
    {
        public byte[] Frame { get; } = frame;
        public long Id { get; } = id;
        public int Transmits { get; set; }
    }
}

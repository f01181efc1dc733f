using Trove.Cluster.Wire;

namespace Trove.Cluster.Membership;

/// <summary>Failure detection: one direct probe per interval, indirect probes through k peers on timeout.</summary>
public sealed partial class SwimNode
{
    private readonly List<string> _probeOrder = [];
    private readonly Dictionary<uint, Action> _ackHandlers = [];
    private int _probeIndex;
    private uint _sequence;
    private Probe? _probe;

    /// <summary>The probe in flight; at most one, as in memberlist, and it lasts one probe interval.</summary>
    private sealed class Probe(uint seq, MemberEntry target)
    {
        public uint Seq { get; } = seq;
        public MemberEntry Target { get; } = target;
        public uint Incarnation { get; } = target.Incarnation;
        public ulong Generation { get; } = target.Generation;
        public bool Acked { get; set; }
    }

    /// <summary>
    /// Closes the previous probe (no ack, direct or relayed, within the interval: suspect its target) and probes the
    /// next member of the round-robin order.
    /// </summary>
    private void ProbeRound()
    {
        if (_probe is { } previous)
        {
            _probe = null;
            _ackHandlers.Remove(previous.Seq);
            if (!previous.Acked && !_leaving)
                OnSuspect(new SuspectMessage(previous.Incarnation, previous.Target.Name, _self.Name, previous.Generation));
        }
        if (_leaving || NextProbeTarget() is not { } target)
            return;
        var probe = new Probe(++_sequence, target);
        _probe = probe;
        _ackHandlers[probe.Seq] = () => probe.Acked = true;
        Send(target.Address, new PingMessage(probe.Seq, target.Name, _self.Name, _self.Address));
        After(_options.ProbeTimeout, () =>
        {
            if (!probe.Acked && _probe == probe)
                ProbeIndirectly(probe);
        });
    }

    /// <summary>
    /// Next member in a shuffled round-robin order, skipping ourselves and the dead: every live member is probed once
    /// per round, so a failure is noticed within N intervals at worst and about one on average.
    /// </summary>
    private MemberEntry? NextProbeTarget()
    {
        for (int checkedCount = 0; checkedCount <= _members.Count; checkedCount++)
        {
            if (_probeIndex >= _probeOrder.Count)
            {
                _probeOrder.Clear();
                _probeOrder.AddRange(_members.Values.Where(m => m != _self && m.IsLive).Select(m => m.Name).Order(StringComparer.Ordinal));
                _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_probeOrder));
                _probeIndex = 0;
                if (_probeOrder.Count == 0)
                    return null;
            }
            if (_members.TryGetValue(_probeOrder[_probeIndex++], out MemberEntry? entry) && entry != _self && entry.IsLive)
                return entry;
        }
        return null;
    }

    private void ProbeIndirectly(Probe probe)
    {
        var message = new IndirectPingMessage(probe.Seq, probe.Target.Name, probe.Target.Address, _self.Name, _self.Address);
        foreach (MemberEntry relay in RandomMembers(_options.IndirectChecks, m => m.State == MemberState.Alive && m != probe.Target))
            Send(relay.Address, message);
    }

    /// <summary>Up to <paramref name="count"/> distinct random members other than ourselves that match <paramref name="filter"/>.</summary>
    private List<MemberEntry> RandomMembers(int count, Func<MemberEntry, bool> filter)
    {
        var candidates = _members.Values.Where(m => m != _self && filter(m)).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
        _random.Shuffle(candidates);
        return [.. candidates.Take(count)];
    }

    private void OnPing(PingMessage ping)
    {
        // A ping for another name reached an address we took over; answering would vouch for someone else.
        if (ping.Target == _self.Name)
            Send(ping.SourceAddress, new AckMessage(ping.Seq));
    }

    private void OnIndirectPing(IndirectPingMessage request)
    {
        uint seq = ++_sequence;
        _ackHandlers[seq] = () => Send(request.SourceAddress, new AckMessage(request.Seq));
        Send(request.TargetAddress, new PingMessage(seq, request.Target, _self.Name, _self.Address));
        After(_options.ProbeTimeout, () => _ackHandlers.Remove(seq));
    }

    private void OnAck(AckMessage ack)
    {
        if (_ackHandlers.Remove(ack.Seq, out Action? handler))
            handler();
    }
}

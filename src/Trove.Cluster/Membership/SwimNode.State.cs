using Trove.Cluster.Wire;

namespace Trove.Cluster.Membership;

/// <summary>
/// The membership state machine (memberlist's aliveNode/suspectNode/deadNode). Invariants: a member's incarnation
/// never decreases; a message with a lower incarnation than the one known is ignored; at equal incarnation
/// dead/left beats suspect beats alive; only the member itself raises its incarnation, which is how it refutes.
/// </summary>
public sealed partial class SwimNode
{
    private void OnAlive(AliveMessage alive)
    {
        bool isSelf = alive.Node == _self.Name;
        // While leaving, an alive message about us (still queued somewhere) must not bring us back.
        if (isSelf && _leaving)
            return;
        if (isSelf)
        {
            // Only we create alive messages about us; a newer one means someone remembers a previous run of ours with
            // a higher incarnation, an older generation that someone still holds our previous process alive.
            if (alive.Generation < _self.Generation)
                Refute(0, "previous process still alive");
            else if (alive.Generation == _self.Generation && alive.Incarnation > _self.Incarnation)
                Refute(alive.Incarnation, "stale alive");
            return;
        }
        // A node refused for its settings stays out however it is heard of (gossip, another member's push-pull).
        if (_refusedNames.Contains(alive.Node))
            return;
        bool known = _members.TryGetValue(alive.Node, out MemberEntry? entry);
        if (entry is not null && entry.Address != alive.Address && entry.IsLive && alive.Generation == entry.Generation)
        {
            ClusterLog.AddressConflict(_logger, alive.Node, alive.Address, entry.Address);
            return;
        }
        if (entry is not null && known && entry.CompareVersion(alive.Generation, alive.Incarnation) <= 0)
            return;
        if (entry is null)
        {
            entry = new MemberEntry(alive.Node, alive.Address);
            _members.Add(entry.Name, entry);
            // A newcomer joins the current probe round at a random place, as in memberlist.
            _probeOrder.Insert(_random.Next(_probeIndex, _probeOrder.Count + 1), entry.Name);
        }
        ClearSuspicion(entry);
        entry.Address = alive.Address;
        entry.Incarnation = alive.Incarnation;
        entry.Generation = alive.Generation;
        entry.State = MemberState.Alive;
        QueueBroadcast(entry.Name, alive);
        Changed(entry);
    }

    private void OnSuspect(SuspectMessage suspect)
    {
        if (!_members.TryGetValue(suspect.Node, out MemberEntry? entry) || entry.CompareVersion(suspect.Generation, suspect.Incarnation) < 0)
            return;
        if (entry.Suspicion is { } suspicion && suspect.Generation == entry.Generation)
        {
            // An independent accuser shortens the timeout; pass its confirmation on so others shorten theirs.
            if (suspicion.Confirm(suspect.From))
                QueueBroadcast(entry.Name, suspect);
            return;
        }
        if (entry.State != MemberState.Alive && suspect.Generation == entry.Generation)
            return;
        if (entry == _self)
        {
            if (!_leaving)
                Refute(suspect.Incarnation, "suspicion");
            return;
        }
        ClearSuspicion(entry); // a suspicion of an older life of the member ends with it
        entry.Incarnation = suspect.Incarnation;
        entry.Generation = suspect.Generation;
        entry.State = MemberState.Suspect;
        int members = LiveMembers;
        // Lifeguard: expect SuspicionMult - 2 confirmations, fewer in a cluster too small to give them.
        int expected = members - 2 < _options.SuspicionMult - 2 ? 0 : _options.SuspicionMult - 2;
        TimeSpan min = Suspicion.MinTimeout(_options.SuspicionMult, members, _options.ProbeInterval);
        uint incarnation = suspect.Incarnation;
        ulong generation = suspect.Generation;
        string name = entry.Name;
        entry.Suspicion = new Suspicion(suspect.From, expected, min, min * _options.SuspicionMaxTimeoutMult, _time,
            () => Guarded(() => SuspicionExpired(name, incarnation, generation)));
        QueueBroadcast(entry.Name, suspect);
        Changed(entry);
    }

    private void SuspicionExpired(string name, uint incarnation, ulong generation)
    {
        if (_members.TryGetValue(name, out MemberEntry? entry) && entry.State == MemberState.Suspect
            && entry.CompareVersion(generation, incarnation) == 0)
            OnDead(new DeadMessage(incarnation, name, _self.Name, generation));
    }

    private void OnDead(DeadMessage dead)
    {
        if (!_members.TryGetValue(dead.Node, out MemberEntry? entry) || entry.CompareVersion(dead.Generation, dead.Incarnation) < 0)
            return;
        if (entry.State is MemberState.Dead or MemberState.Left && dead.Generation == entry.Generation)
            return;
        if (entry == _self && !_leaving)
        {
            Refute(dead.Incarnation, "death notice");
            return;
        }
        ClearSuspicion(entry);
        entry.Incarnation = dead.Incarnation;
        entry.Generation = dead.Generation;
        entry.State = dead.From == dead.Node ? MemberState.Left : MemberState.Dead;
        QueueBroadcast(entry.Name, dead);
        Changed(entry);
    }

    /// <summary>Raises our incarnation above the accusation's and gossips that we are alive at it.</summary>
    private void Refute(uint accusedIncarnation, string accusation)
    {
        _self.Incarnation = Math.Max(_self.Incarnation, accusedIncarnation) + 1;
        ClusterLog.Refuting(_logger, accusation, _self.Incarnation);
        QueueBroadcast(_self.Name, SelfAlive());
        Changed(_self);
    }

    private AliveMessage SelfAlive() => new(_self.Incarnation, _self.Name, _self.Address, _self.Generation);

    private static void ClearSuspicion(MemberEntry entry)
    {
        entry.Suspicion?.Dispose();
        entry.Suspicion = null;
    }

    /// <summary>
    /// Merges a peer's full state (push-pull): alive as alive; left as left; dead and suspect as suspect only, so a
    /// member that is in fact alive gets the chance to refute before the merge kills it (memberlist's mergeState).
    /// </summary>
    private void Merge(IReadOnlyList<Member> remote)
    {
        foreach (Member member in remote)
        {
            switch (member.State)
            {
                case MemberState.Alive:
                    OnAlive(new AliveMessage(member.Incarnation, member.Name, member.Address, member.Generation));
                    break;
                case MemberState.Left:
                    OnDead(new DeadMessage(member.Incarnation, member.Name, member.Name, member.Generation));
                    break;
                default:
                    OnSuspect(new SuspectMessage(member.Incarnation, member.Name, _self.Name, member.Generation));
                    break;
            }
        }
    }
}

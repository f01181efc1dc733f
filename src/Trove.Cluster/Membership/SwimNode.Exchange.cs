using Trove.Cluster.Wire;

namespace Trove.Cluster.Membership;

/// <summary>Dissemination: gossip rounds of queued changes, periodic push-pull of the full state, and join.</summary>
public sealed partial class SwimNode
{
    private TaskCompletionSource<NodeAddress>? _joined;

    /// <summary>Refusals of the current <see cref="_joined"/>, from every JoinAsync call sharing it.</summary>
    private List<JoinRefusal> _joinRefusals = [];

    /// <summary>JoinAsync calls whose seeds are not all refused yet; the join faults when the last one runs out.</summary>
    private int _joinLoops;

    /// <summary>Names refused for their settings (by us or refusing us): alive messages and merges about them are ignored.</summary>
    private readonly HashSet<string> _refusedNames = [];

    /// <summary>Settings refusals already logged, per peer name and reason (bounded like the packet refusals).</summary>
    private readonly HashSet<(string Peer, string Reason)> _loggedSettingRefusals = [];

    /// <summary>Sends queued state changes to <see cref="ClusterOptions.GossipNodes"/> random live members.</summary>
    private void GossipRound()
    {
        foreach (MemberEntry peer in RandomMembers(_options.GossipNodes, m => m.IsLive))
        {
            if (_broadcasts.Count == 0)
                return;
            Send(peer.Address, null);
        }
    }

    /// <summary>
    /// Exchanges full state with one random alive member, which repairs whatever gossip missed, and with one random
    /// dead (not left) member, as Serf's reconnect does: after a network partition each side holds the other as
    /// dead, and no probe or gossip goes to the dead, so without this the halves would never merge again. The
    /// exchange makes both ends refute (each sees itself dead in the other's state) and learn each other alive;
    /// gossip and later push-pulls spread the rest.
    /// </summary>
    private void PushPullRound()
    {
        if (RandomMembers(1, m => m.State == MemberState.Alive) is [var peer])
            PushPull(peer.Address, join: false, onDone: null);
        if (RandomMembers(1, m => m.State == MemberState.Dead) is [var dead])
            PushPull(dead.Address, join: false, onDone: null);
    }

    /// <summary>
    /// Joins through <paramref name="seeds"/>: a push-pull with each, repeated every probe interval until one answers.
    /// The task completes with the seed that answered. A seed that refuses this node's settings
    /// (<see cref="ClusterOptions.Compatibility"/>) is not asked again; once every seed has refused, the task faults
    /// with <see cref="ClusterJoinRefusedException"/>. Seeds that do not answer are retried for ever.
    /// </summary>
    public Task<NodeAddress> JoinAsync(IReadOnlyList<NodeAddress> seeds)
    {
        if (seeds.Count == 0)
            throw new ArgumentException("no seeds", nameof(seeds));
        lock (_gate)
        {
            // A refused join is final for its seeds, not for the node: a later call (other seeds) starts afresh.
            if (_joined is null || _joined.Task.IsFaulted)
            {
                _joined = new TaskCompletionSource<NodeAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
                _joinRefusals = [];
                _joinLoops = 0;
            }
            // Several calls share one task (a caller may add seeds while the first call still retries), so it faults
            // only when every call's seeds have all refused, not when the first call's have.
            _joinLoops++;
            JoinAttempt(seeds, _joined, _joinRefusals);
            return _joined.Task;
        }
    }

    private void JoinAttempt(IReadOnlyList<NodeAddress> seeds, TaskCompletionSource<NodeAddress> joined, List<JoinRefusal> refusals)
    {
        int outstanding = seeds.Count;
        foreach (NodeAddress seed in seeds)
        {
            PushPull(seed, join: true, onDone: result =>
            {
                if (result.Merged && joined.TrySetResult(seed))
                    ClusterLog.Joined(_logger, seed);
                if (result.Refusal is { } reason && !refusals.Any(r => r.Seed == seed))
                    refusals.Add(new JoinRefusal(seed, reason));
                // Once per seed, not per retry: a seed that is down would otherwise log every probe interval.
                // A seed that drops our packets (other cluster name, other key) is logged by its own Open, and looks
                // unanswered from here.
                if (result is { Merged: false, Refusal: null } && !joined.Task.IsCompleted && _loggedJoinFailures.Add(seed))
                    ClusterLog.SeedUnanswered(_logger, seed, _options.ProbeInterval);
                if (--outstanding > 0 || joined.Task.IsCompleted || _leaving)
                    return;
                NodeAddress[] remaining = [.. seeds.Where(s => !refusals.Any(r => r.Seed == s))];
                if (remaining.Length == 0)
                {
                    if (--_joinLoops == 0)
                        joined.TrySetException(new ClusterJoinRefusedException([.. refusals]));
                }
                else
                    After(_options.ProbeInterval, () => JoinAttempt(remaining, joined, refusals));
            });
        }
    }

    /// <summary>What a push-pull came to: merged, refused (with the reason, for this node), or neither (no valid reply).</summary>
    private readonly record struct ExchangeResult(bool Merged, string? Refusal);

    private void PushPull(NodeAddress peer, bool join, Action<ExchangeResult>? onDone)
    {
        byte[] request = SealFrames(Settings(), new PushPullMessage(join, SnapshotAll()));
        _transport.Exchange(peer, request, _options.StreamTimeout, reply => Guarded(() =>
        {
            ExchangeResult result = reply is null ? default : OnReply(peer, reply);
            onDone?.Invoke(result);
        }));
    }

    private ExchangeResult OnReply(NodeAddress peer, byte[] reply)
    {
        switch (Open(peer, reply))
        {
            case [SettingsMessage settings, PushPullMessage state]:
                // The peer accepted us; we still check its settings, so a mismatch stops both sides whichever asked.
                if (SettingsCheck.Describe(_options.Compatibility, settings.Compatibility, "this node", "cluster") is { } reason)
                {
                    RefusedBy(peer, settings.Node, reason);
                    return new ExchangeResult(false, reason);
                }
                _refusedNames.Remove(settings.Node);
                Merge(state.Members);
                return new ExchangeResult(true, null);
            case [SettingsMessage settings, RefusedMessage refused]:
                RefusedBy(peer, settings.Node, refused.Reason);
                return new ExchangeResult(false, refused.Reason);
            default:
                return default;
        }
    }

    /// <summary>
    /// A peer's push-pull: its settings must equal ours, else it is refused (nothing merged, the reason in the reply);
    /// otherwise merge its state and answer with ours (after the merge, so a joiner learns it is known).
    /// </summary>
    private byte[]? OnStream(NodeAddress from, ReadOnlyMemory<byte> request)
    {
        if (Open(from, request.Span) is not [SettingsMessage settings, PushPullMessage state])
            return null;
        if (SettingsCheck.Describe(_options.Compatibility, settings.Compatibility, "this node", settings.Node) is { } ours)
        {
            string theirs = SettingsCheck.Describe(settings.Compatibility, _options.Compatibility, "this node", "cluster")!;
            Reject(settings.Node);
            if (_loggedSettingRefusals.Count < 4096 && _loggedSettingRefusals.Add((settings.Node, ours)))
                ClusterLog.RefusedPeer(_logger, settings.Node, from, ours);
            return SealFrames(Settings(), new RefusedMessage(SettingsCheck.Fit(theirs)));
        }
        // The same name with matching settings: a node restarted with the right configuration is welcome again.
        _refusedNames.Remove(settings.Node);
        Merge(state.Members);
        return SealFrames(Settings(), new PushPullMessage(false, SnapshotAll()));
    }

    private void RefusedBy(NodeAddress peer, string peerName, string reason)
    {
        Reject(peerName);
        if (_loggedSettingRefusals.Count < 4096 && _loggedSettingRefusals.Add((peerName, reason)))
            ClusterLog.RefusedBy(_logger, peer, peerName, reason);
    }

    /// <summary>
    /// Remembers <paramref name="name"/> as refused, so gossip and merges about it are ignored (OnAlive), and if it is
    /// a live member (a node restarted under its name with other settings) declares it dead, which gossip spreads.
    /// Bounded, so a flood of forged names cannot grow it without limit (the refusal itself does not depend on it).
    /// </summary>
    private void Reject(string name)
    {
        if (name == _self.Name)
            return;
        if (_refusedNames.Count < 4096)
            _refusedNames.Add(name);
        if (_members.TryGetValue(name, out MemberEntry? entry) && entry.IsLive)
            OnDead(new DeadMessage(entry.Incarnation, name, _self.Name, entry.Generation));
    }

    private SettingsMessage Settings() => new(_self.Name, _options.Compatibility);

    private byte[] SealFrames(params ClusterMessage[] messages)
    {
        var writer = new WireWriter();
        foreach (ClusterMessage message in messages)
            MessageCodec.Append(writer, message);
        return _sealer.Seal(writer.Written);
    }

    private List<Member> SnapshotAll() => [.. _members.Values.Select(m => m.Snapshot())];
}

using Trove.Cluster.Wire;

namespace Trove.Cluster.Membership;

/// <summary>Dissemination: gossip rounds of queued changes, periodic push-pull of the full state, and join.</summary>
public sealed partial class SwimNode
{
    private TaskCompletionSource<NodeAddress>? _joined;

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
    /// The task completes with the seed that answered; it never faults.
    /// </summary>
    public Task<NodeAddress> JoinAsync(IReadOnlyList<NodeAddress> seeds)
    {
        if (seeds.Count == 0)
            throw new ArgumentException("no seeds", nameof(seeds));
        lock (_gate)
        {
            _joined ??= new TaskCompletionSource<NodeAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
            JoinAttempt(seeds);
            return _joined.Task;
        }
    }

    private void JoinAttempt(IReadOnlyList<NodeAddress> seeds)
    {
        int outstanding = seeds.Count;
        foreach (NodeAddress seed in seeds)
        {
            PushPull(seed, join: true, onDone: ok =>
            {
                if (ok && _joined!.TrySetResult(seed))
                    ClusterLog.Joined(_logger, seed);
                // Once per seed, not per retry: a seed that is down would otherwise log every probe interval.
                // A seed that answers but is refused (name, key) is logged by Open with its reason.
                if (!ok && !_joined!.Task.IsCompleted && _loggedJoinFailures.Add(seed))
                    ClusterLog.SeedUnanswered(_logger, seed, _options.ProbeInterval);
                if (--outstanding == 0 && !_joined!.Task.IsCompleted && !_leaving)
                    After(_options.ProbeInterval, () => JoinAttempt(seeds));
            });
        }
    }

    private void PushPull(NodeAddress peer, bool join, Action<bool>? onDone)
    {
        byte[] request = _sealer.Seal(MessageCodec.Encode(new PushPullMessage(join, SnapshotAll())));
        _transport.Exchange(peer, request, _options.StreamTimeout, reply => Guarded(() =>
        {
            bool ok = reply is not null && Open(peer, reply) is [PushPullMessage state] && MergeAndReport(state);
            onDone?.Invoke(ok);
        }));
    }

    private bool MergeAndReport(PushPullMessage state)
    {
        Merge(state.Members);
        return true;
    }

    /// <summary>A peer's push-pull: merge its state, answer with ours (after the merge, so a joiner learns it is known).</summary>
    private byte[]? OnStream(NodeAddress from, ReadOnlyMemory<byte> request)
    {
        if (Open(from, request.Span) is not [PushPullMessage state])
            return null;
        Merge(state.Members);
        return _sealer.Seal(MessageCodec.Encode(new PushPullMessage(false, SnapshotAll())));
    }

    private List<Member> SnapshotAll() => [.. _members.Values.Select(m => m.Snapshot())];
}

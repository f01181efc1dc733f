using System.Diagnostics;
using System.Text;
using Trove.Cluster;
using Trove.Cluster.Placement;

namespace Trove.Server.Cluster;

/// <summary>
/// Who serves each partition now and who should: the serving owners (where requests are routed) and the target owners
/// (the partition table computed from the live members). They differ while a partition's data is being copied to a new
/// owner. The rules, the same on every node, so nodes agree without a coordinator:
/// <list type="bullet">
/// <item>a member that dies or leaves drops out of every serving list at once (its replicas already hold its data);
/// a list left empty takes the target owners (nothing is left to copy);</item>
/// <item>where the target owners are a subset of the serving ones (a member left, or only the order changed) the
/// partition switches at once: the remaining owners hold the data;</item>
/// <item>otherwise the serving primary (the copier) copies the partition to the new owners, then tells every member
/// it is done (<c>MigrationDone</c> with the target's fingerprint) and everyone switches; until then writes go to the
/// serving owners and are replicated to the target ones too, so the copy misses nothing;</item>
/// <item>a node that joins an existing cluster starts from the table of the members without itself, which is what
/// they serve when it arrives; a partition whose copy has not finished after <see cref="MigrationTimeout"/> switches
/// anyway (its copier is gone, or the nodes disagreed).</item>
/// </list>
/// </summary>
internal sealed class PartitionOwnership
{
    private readonly Lock _gate = new();
    private readonly Func<bool> _joining;
    private readonly int _replicas;
    private readonly Dictionary<ulong, HashSet<int>> _earlyDone = [];
    private Dictionary<string, ulong> _generations = new(StringComparer.Ordinal);
    private string _local = "";
    private string[][] _serving = [];
    private string[][] _target = [];
    private ulong _targetId;
    private long _targetSince;
    private bool _sawOthers;
    private bool _awaitingJoin;
    private RouteTable? _routes;

    /// <param name="joining">Asked when this node first sees other members: whether it is the one arriving (it was given
    /// seeds besides itself), so they, not it, serve what they served.</param>
    /// <param name="replicas">Owners per partition, as configured.</param>
    public PartitionOwnership(Func<bool> joining, int replicas)
    {
        _joining = joining;
        _replicas = replicas;
    }

    public static TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a partition may wait for its copier before every node holding any of its data copies it to the target
    /// owners itself (<see cref="Stalled"/>): the repair for nodes whose views of who serves what drifted apart
    /// (a join or a death in the middle of a move), where each may wait for another to copy.
    /// </summary>
    public static TimeSpan RepairAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Owners per partition, as configured.</summary>
    public int Replicas => _replicas;

    /// <summary>The current routes; null before the first <see cref="Update"/>.</summary>
    public RouteTable? Routes => Volatile.Read(ref _routes);

    /// <summary>Fingerprint of the current target table (the live member names and the replica count).</summary>
    public ulong TargetId
    {
        get
        {
            lock (_gate)
                return _targetId;
        }
    }

    /// <summary>Partitions whose serving and target owners differ (data still moving).</summary>
    public int Moving
    {
        get
        {
            lock (_gate)
                return CountMoving();
        }
    }

    /// <summary>Takes a new membership view. Returns the partitions this node held and now no longer owns (to drop).</summary>
    public List<int> Update(string local, ClusterSnapshot snapshot)
    {
        lock (_gate)
        {
            _local = local;
            var live = snapshot.Members.Where(ClusterSnapshot.IsLive).ToDictionary(m => m.Name, m => m.Address, StringComparer.Ordinal);
            live.TryAdd(local, new NodeAddress("", 0));
            var generations = snapshot.Members.Where(ClusterSnapshot.IsLive).ToDictionary(m => m.Name, m => m.Generation, StringComparer.Ordinal);
            // A member that restarted under its name (a new generation) holds at most what its log kept: it stops
            // serving at once, as if it had died, and gets its partitions copied back as a newcomer would.
            var restarted = new HashSet<string>(generations.Where(g => g.Key != local && _generations.TryGetValue(g.Key, out ulong before) && before != g.Value).Select(g => g.Key), StringComparer.Ordinal);
            _generations = generations;
            PartitionTable table = snapshot.Table.Members.Count > 0 ? snapshot.Table : PartitionTable.Empty.Rebuild([local], _replicas);
            int partitions = PartitionTable.PartitionCount;
            string[][] target = [.. Enumerable.Range(0, partitions).Select(p => table.OwnersOf(p).ToArray())];
            ulong targetId = FingerprintOf(table.Members);
            bool othersNow = live.Count > 1;
            var before = _serving;

            string[][] serving;
            if (_serving.Length == 0)
            {
                serving = target; // first view: this node alone
                // A node given seeds serves nothing until it has found them: what it answered alone would be undone
                // by the copies it receives on arriving (or, restarted with a store, served from a stale log).
                _awaitingJoin = !othersNow && _joining();
            }
            else if (!_sawOthers && othersNow && _joining())
            {
                // Arriving in a running cluster: its members serve what the table without this node says.
                string[] others = [.. table.Members.Where(name => name != local)];
                PartitionTable theirs = PartitionTable.Empty.Rebuild(others, _replicas);
                serving = [.. Enumerable.Range(0, partitions).Select(p => theirs.OwnersOf(p).ToArray())];
            }
            else
            {
                serving = [.. _serving.Select((owners, p) => owners.Where(m => live.ContainsKey(m) && !restarted.Contains(m)).ToArray() is { Length: > 0 } kept ? kept : target[p])];
            }
            _sawOthers |= othersNow;
            _awaitingJoin &= !othersNow;

            if (targetId != _targetId)
                _targetSince = Stopwatch.GetTimestamp();
            _targetId = targetId;
            _target = target;
            _serving = serving;
            for (int p = 0; p < partitions; p++)
            {
                if (target[p].All(serving[p].Contains))
                    serving[p] = target[p];
            }
            if (_earlyDone.Remove(targetId, out HashSet<int>? done))
            {
                foreach (int p in done)
                    serving[p] = target[p];
            }
            Publish(live);
            return Dropped(before);
        }
    }

    /// <summary>
    /// A copier finished <paramref name="partitions"/> for target <paramref name="targetId"/>: switch them, with one new
    /// route table for all (a move announces partitions by the hundred). Returns partitions to drop.
    /// </summary>
    public List<int> MarkReceived(IReadOnlyList<int> partitions, ulong targetId)
    {
        lock (_gate)
        {
            if (targetId != _targetId)
            {
                // A view this node has not reached yet (a leaving node hands over before it leaves): apply on arrival.
                if (_earlyDone.Count < 16 || _earlyDone.ContainsKey(targetId))
                {
                    if (!_earlyDone.TryGetValue(targetId, out HashSet<int>? set))
                        _earlyDone[targetId] = set = [];
                    foreach (int partition in partitions)
                    {
                        if ((uint)partition < (uint)_serving.Length)
                            set.Add(partition);
                    }
                }
                return [];
            }
            string[][]? before = null;
            foreach (int partition in partitions)
            {
                if ((uint)partition >= (uint)_serving.Length || _serving[partition] == _target[partition])
                    continue;
                if (before is null)
                {
                    before = _serving;
                    _serving = (string[][])_serving.Clone();
                }
                _serving[partition] = _target[partition];
            }
            if (before is null)
                return [];
            Publish(null);
            return Dropped(before);
        }
    }

    /// <summary>Switches partitions whose copy has taken longer than <see cref="MigrationTimeout"/>. Returns partitions to drop.</summary>
    public List<int> ExpireStalled()
    {
        lock (_gate)
        {
            if (CountMoving() == 0 || Stopwatch.GetElapsedTime(_targetSince) < MigrationTimeout)
                return [];
            var before = _serving;
            _serving = [.. _target];
            Publish(null);
            return Dropped(before);
        }
    }

    /// <summary>
    /// Partitions still moving <see cref="RepairAfter"/> after the target changed that this node serves, with their
    /// target owners other than this node. A node that does not serve a partition (a newcomer, a restarted node whose
    /// log may be stale) never repairs it: it waits for a serving owner's copy, or for <see cref="MigrationTimeout"/>.
    /// </summary>
    public (ulong TargetId, List<(int Partition, string[] Targets)> Partitions) Stalled()
    {
        lock (_gate)
        {
            var stalled = new List<(int, string[])>();
            if (Stopwatch.GetElapsedTime(_targetSince) < RepairAfter)
                return (_targetId, stalled);
            for (int p = 0; p < _serving.Length; p++)
            {
                if (_serving[p] != _target[p] && _serving[p].Contains(_local))
                    stalled.Add((p, [.. _target[p].Where(m => m != _local)]));
            }
            return (_targetId, stalled);
        }
    }

    /// <summary>The copies this node owes: partitions it serves as primary whose target has members not yet serving, with those members.</summary>
    public (ulong TargetId, List<(int Partition, string[] Newcomers)> Duties) Duties()
    {
        lock (_gate)
        {
            var duties = new List<(int, string[])>();
            for (int p = 0; p < _serving.Length; p++)
            {
                if (_serving[p] == _target[p] || _serving[p].Length == 0 || _serving[p][0] != _local)
                    continue;
                string[] newcomers = [.. _target[p].Where(m => !_serving[p].Contains(m))];
                if (newcomers.Length > 0)
                    duties.Add((p, newcomers));
            }
            return (_targetId, duties);
        }
    }

    private int CountMoving()
    {
        int moving = 0;
        for (int p = 0; p < _serving.Length; p++)
        {
            if (_serving[p] != _target[p])
                moving++;
        }
        return moving;
    }

    /// <summary>Caller holds the gate. <paramref name="live"/>: new addresses, or null to keep the current ones.</summary>
    private void Publish(Dictionary<string, NodeAddress>? live)
    {
        IReadOnlyDictionary<string, NodeAddress> addresses = live ?? _routes!.Addresses;
        var replicateTo = new string[_serving.Length][];
        for (int p = 0; p < _serving.Length; p++)
            replicateTo[p] = [.. _serving[p].Union(_target[p]).Where(m => m != _local)];
        Volatile.Write(ref _routes, new RouteTable(_local, _serving, replicateTo, addresses, _awaitingJoin));
    }

    /// <summary>Partitions this node served or was to serve before and neither serves nor will serve now.</summary>
    private List<int> Dropped(string[][] before)
    {
        var dropped = new List<int>();
        for (int p = 0; p < before.Length; p++)
        {
            if (before[p].Contains(_local) && !_serving[p].Contains(_local) && !_target[p].Contains(_local))
                dropped.Add(p);
        }
        return dropped;
    }

    /// <summary>
    /// The fingerprint of a table of <paramref name="members"/> (live ones) with their current generations: a member that
    /// restarts makes a new target, so an announcement made for its previous life is never taken for the new one.
    /// </summary>
    public ulong FingerprintOf(IEnumerable<string> members)
    {
        lock (_gate)
            return Fingerprint(members.Select(m => _generations.TryGetValue(m, out ulong g) ? $"{m}#{g}" : m), _replicas);
    }

    /// <summary>FNV-1a 64 of the sorted member keys and the replica count: the same on every node for the same view.</summary>
    public static ulong Fingerprint(IEnumerable<string> members, int replicas)
    {
        ulong hash = 14695981039346656037UL;
        foreach (string name in members.Order(StringComparer.Ordinal).Append(replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            foreach (byte b in Encoding.UTF8.GetBytes(name))
                hash = (hash ^ b) * 1099511628211UL;
            hash = (hash ^ 0xFF) * 1099511628211UL;
        }
        return hash;
    }
}

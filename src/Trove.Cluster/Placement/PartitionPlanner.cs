using System.Text;

namespace Trove.Cluster.Placement;

/// <summary>
/// Computes owner lists from the previous ones and the new member set, in four deterministic steps:
/// <list type="number">
/// <item>keep: every previous owner that is still a member keeps its slot (order kept, so a replica becomes primary
/// when the primary goes);</item>
/// <item>shed: a member above its quota gives up its excess slots, replica slots first, lowest score first;</item>
/// <item>fill: each partition short of owners takes, of the members below quota and not yet owners of it, the one with
/// the highest score (rendezvous hashing restricted to members with room);</item>
/// <item>primaries: each partition keeps its primary while that member is within its primary quota; the others pick
/// the owner with room and the highest score, and a last pass evens primary counts between co-owners.</item>
/// </list>
/// Quotas: S = partitions * replicas slots over N members gives each S/N, the first S mod N members (ordinal order)
/// one more; primaries likewise with partitions / N. Only slots above quota move on a join and only the departed
/// member's slots on a leave, which is the minimum for a balanced table. The score is a hash of (member, partition)
/// so the partitions a member gains are spread over the key space, not a contiguous range.
/// </summary>
internal static class PartitionPlanner
{
    public static string[][] Plan(string[][] previous, string[] members, int replicas)
    {
        int partitions = previous.Length;
        int n = members.Length;
        if (n == 0)
            return [.. Enumerable.Range(0, partitions).Select(_ => Array.Empty<string>())];
        int r = Math.Min(replicas, n);
        var index = new Dictionary<string, int>(n);
        for (int i = 0; i < n; i++)
            index[members[i]] = i;
        ulong[] nameHash = [.. members.Select(NameHash)];
        int[] ownedQuota = Quotas(partitions * r, n);
        int[] primaryQuota = Quotas(partitions, n);

        // 1. keep
        var owners = new List<int>[partitions];
        int[] owned = new int[n];
        for (int p = 0; p < partitions; p++)
        {
            owners[p] = new List<int>(r);
            foreach (string name in previous[p])
            {
                if (owners[p].Count < r && index.TryGetValue(name, out int m) && !owners[p].Contains(m))
                {
                    owners[p].Add(m);
                    owned[m]++;
                }
            }
        }

        // 2. shed
        for (int m = 0; m < n; m++)
        {
            if (owned[m] <= ownedQuota[m])
                continue;
            int member = m;
            var held = Enumerable.Range(0, partitions).Where(p => owners[p].Contains(member))
                .OrderBy(p => owners[p][0] == member) // replica slots first: dropping one leaves the primary in place
                .ThenBy(p => Score(nameHash[member], p))
                .ThenBy(p => p)
                .Take(owned[m] - ownedQuota[m]).ToList();
            foreach (int p in held)
                owners[p].Remove(m);
            owned[m] -= held.Count;
        }

        // 3. fill
        for (int p = 0; p < partitions; p++)
        {
            while (owners[p].Count < r)
            {
                int best = -1;
                bool bestHasRoom = false;
                for (int m = 0; m < n; m++)
                {
                    if (owners[p].Contains(m))
                        continue;
                    bool hasRoom = owned[m] < ownedQuota[m];
                    // With room beats without; among those with room the highest score wins; without room (only when
                    // the last partitions leave no choice) the least loaded.
                    if (best < 0 || (hasRoom && !bestHasRoom)
                        || (hasRoom && Score(nameHash[m], p) > Score(nameHash[best], p))
                        || (!hasRoom && !bestHasRoom && owned[m] < owned[best]))
                    {
                        best = m;
                        bestHasRoom = hasRoom;
                    }
                }
                owners[p].Add(best);
                owned[best]++;
            }
        }

        AssignPrimaries(previous, members, owners, nameHash, primaryQuota);
        return [.. owners.Select(list => list.Select(m => members[m]).ToArray())];
    }

    private static void AssignPrimaries(string[][] previous, string[] members, List<int>[] owners, ulong[] nameHash, int[] quota)
    {
        int partitions = owners.Length;
        int[] primary = new int[members.Length];
        var open = new List<int>();
        for (int p = 0; p < partitions; p++)
        {
            int first = owners[p][0];
            bool wasPrimary = previous[p].Length > 0 && previous[p][0] == members[first];
            if (wasPrimary && primary[first] < quota[first])
                primary[first]++;
            else
                open.Add(p);
        }
        foreach (int p in open)
        {
            int best = owners[p].OrderByDescending(m => primary[m] < quota[m])
                .ThenByDescending(m => primary[m] < quota[m] ? Score(nameHash[m], p) : 0)
                .ThenBy(m => primary[m]).First();
            MakePrimary(owners[p], best);
            primary[best]++;
        }
        // Repair: a newcomer gets replica slots (those are shed first), so it starts with few primaries. Handing a
        // partition's primary role to a co-owner with at least two fewer primaries lowers the sum of squares of the
        // counts, so the passes end; at the end no co-owner pair differs by more than one. No data moves: the
        // co-owner already holds the partition.
        for (bool swapped = true; swapped;)
        {
            swapped = false;
            for (int p = 0; p < partitions; p++)
            {
                if (owners[p].Count < 2)
                    continue;
                int current = owners[p][0];
                int relief = owners[p].Skip(1).OrderBy(m => primary[m]).First();
                if (primary[relief] + 1 >= primary[current])
                    continue;
                MakePrimary(owners[p], relief);
                primary[current]--;
                primary[relief]++;
                swapped = true;
            }
        }
    }

    private static void MakePrimary(List<int> owners, int member)
    {
        owners.Remove(member);
        owners.Insert(0, member);
    }

    private static int[] Quotas(int slots, int members)
        => [.. Enumerable.Range(0, members).Select(i => slots / members + (i < slots % members ? 1 : 0))];

    /// <summary>FNV-1a 64 of the UTF-8 name: stable across processes and versions, unlike string.GetHashCode.</summary>
    private static ulong NameHash(string name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    /// <summary>Rendezvous score of a member for a partition: the SplitMix64 finalizer of the two combined.</summary>
    private static ulong Score(ulong nameHash, int partition)
    {
        ulong z = nameHash ^ ((ulong)partition * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

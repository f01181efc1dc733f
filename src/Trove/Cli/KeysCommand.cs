using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Trove.Cluster.Placement;
using Trove.Server.Cluster;
using Trove.Storage;

namespace Trove.Cli;

/// <summary>
/// `trove keys --node HOST:PORT --owner NAME --count N [--prefix P]`: reads the node's partition table (stats
/// partitions) and prints N keys <c>P0</c>, <c>P1</c>, ... whose partition has NAME as its primary, one per line.
/// For benchmarks that must talk to a key's owner, or deliberately to another node (trove-bench --keys-file).
/// </summary>
internal static class KeysCommand
{
    /// <summary>Key numbers tried before giving up (a member owning even one partition in 1024 needs about 1024 per key).</summary>
    private const long MaxCandidates = 100_000_000;

    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "memcached address of any node, HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:11211" };
        var owner = new Option<string>("--owner") { Description = "member name (as in trove members) that must be the keys' primary", Required = true };
        var count = new Option<int>("--count") { Description = "keys to print", DefaultValueFactory = _ => 1000 };
        var prefix = new Option<string>("--prefix") { Description = "prefix of every key; a number follows", DefaultValueFactory = _ => "bench:" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the node", DefaultValueFactory = _ => 5 };
        var command = new Command("keys", "Print keys whose primary owner is a given member, in one node's partition table (its stats partitions).")
        {
            node, owner, count, prefix, timeout,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output, error = parseResult.InvocationConfiguration.Error;
            string target = parseResult.GetValue(node)!, name = parseResult.GetValue(owner)!, keyPrefix = parseResult.GetValue(prefix)!;
            int wanted = parseResult.GetValue(count);
            if (!ClusterSetup.TryParseSeeds(target, out var addresses) || addresses.Count != 1)
            {
                await error.WriteLineAsync($"trove keys: --node '{target}' is not HOST:PORT");
                return ExitCodes.Usage;
            }
            if (wanted < 1)
            {
                await error.WriteLineAsync("trove keys: --count must be at least 1");
                return ExitCodes.Usage;
            }
            if (keyPrefix.Any(c => c <= ' ' || c >= 0x7f) || keyPrefix.Length > 230)
            {
                await error.WriteLineAsync("trove keys: --prefix must be printable ASCII without spaces, at most 230 characters");
                return ExitCodes.Usage;
            }
            string reply;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout))));
                reply = await MembersCommand.QueryAsync(addresses[0].Host, addresses[0].Port, "stats partitions", cts.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                await error.WriteLineAsync($"trove keys: cannot query {target}: {ex.Message}");
                return ExitCodes.Unavailable;
            }
            if (!TryParsePrimaries(reply, out string?[] primaries))
            {
                await error.WriteLineAsync($"trove keys: unexpected reply to stats partitions from {target}: {reply.Split('\n')[0].Trim()}");
                return ExitCodes.Unavailable;
            }
            if (!primaries.Contains(name))
            {
                string known = string.Join(", ", primaries.OfType<string>().Distinct().Order(StringComparer.Ordinal));
                await error.WriteLineAsync($"trove keys: '{name}' is the primary of no partition at {target} (primaries: {known})");
                return ExitCodes.Unavailable;
            }
            var text = new StringBuilder();
            foreach (string key in KeysOwnedBy(primaries, name, keyPrefix).Take(wanted))
                text.Append(key).Append('\n');
            await output.WriteAsync(text.ToString());
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reads "STAT &lt;partition&gt; &lt;owner&gt;,..." lines into the primary of each partition; false unless all 1024 are there and the reply ends with END.</summary>
    public static bool TryParsePrimaries(string reply, out string?[] primaries)
    {
        primaries = new string?[PartitionTable.PartitionCount];
        var seen = new bool[PartitionTable.PartitionCount];
        foreach (string raw in reply.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line == "END")
                return seen.All(s => s);
            string[] parts = line.Split(' ', 3);
            if (parts.Length < 2 || parts[0] != "STAT" ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int partition) ||
                partition >= PartitionTable.PartitionCount)
                return false;
            seen[partition] = true;
            // A partition without owners (no members yet) has an empty value.
            primaries[partition] = parts.Length == 3 && parts[2].Split(',')[0] is { Length: > 0 } first ? first : null;
        }
        return false;
    }

    /// <summary>Keys <paramref name="prefix"/>0, 1, 2, ... whose partition's primary is <paramref name="owner"/>, lazily.</summary>
    public static IEnumerable<string> KeysOwnedBy(string?[] primaries, string owner, string prefix)
    {
        for (long i = 0; i < MaxCandidates; i++)
        {
            string key = prefix + i.ToString(CultureInfo.InvariantCulture);
            if (primaries[KeyPartitioner.PartitionOf(Encoding.UTF8.GetBytes(key), primaries.Length)] == owner)
                yield return key;
        }
    }
}

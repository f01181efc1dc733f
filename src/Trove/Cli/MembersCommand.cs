using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Cluster;

namespace Trove.Cli;

/// <summary>`trove members --node HOST:PORT`: asks a node for stats nodes on its memcached port and prints a table.</summary>
internal static class MembersCommand
{
    private static readonly string[] Fields = ["address", "state", "partitions_primary", "partitions_replica"];

    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "memcached address of any node, HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:11211" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the node", DefaultValueFactory = _ => 5 };
        var command = new Command("members", "List the cluster's members as one node sees them (its stats nodes).") { node, timeout };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output, error = parseResult.InvocationConfiguration.Error;
            string target = parseResult.GetValue(node)!;
            if (!ClusterSetup.TryParseSeeds(target, out var addresses) || addresses.Count != 1)
            {
                await error.WriteLineAsync($"trove members: --node '{target}' is not HOST:PORT");
                return ExitCodes.Usage;
            }
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout))));
                string reply = await QueryAsync(addresses[0].Host, addresses[0].Port, "stats nodes", cts.Token);
                if (!TryParse(reply, out var members))
                {
                    await error.WriteLineAsync($"trove members: unexpected reply from {target}: {reply.Split('\n')[0].Trim()}");
                    return ExitCodes.Unavailable;
                }
                await output.WriteAsync(Format(members));
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                await error.WriteLineAsync($"trove members: cannot query {target}: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    /// <summary>Groups "STAT name:field value" lines by member, in the order the node sent them; false unless the reply ends with END.</summary>
    public static bool TryParse(string reply, out List<(string Name, Dictionary<string, string> Fields)> members)
    {
        members = [];
        foreach (string raw in reply.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line == "END")
                return true;
            string[] parts = line.Split(' ', 3);
            // Names may contain ':' (the default is host:port): the field is what follows the last one.
            int colon = parts.Length == 3 && parts[0] == "STAT" ? parts[1].LastIndexOf(':') : -1;
            if (colon <= 0)
                return false;
            string name = parts[1][..colon];
            if (members.Count == 0 || members[^1].Name != name)
                members.Add((name, []));
            members[^1].Fields[parts[1][(colon + 1)..]] = parts[2];
        }
        return false;
    }

    public static string Format(List<(string Name, Dictionary<string, string> Fields)> members)
    {
        string[] header = ["NAME", "ADDRESS", "STATE", "PRIMARIES", "REPLICAS"];
        List<string[]> rows = [header, .. members.Select(m => (string[])[m.Name, .. Fields.Select(f => m.Fields.GetValueOrDefault(f, "-"))])];
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length))];
        var text = new StringBuilder();
        foreach (string[] row in rows)
            text.AppendJoin("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).Append('\n');
        return text.ToString();
    }

    /// <summary>Sends <paramref name="command"/> (a stats command) to a node's memcached port; returns the reply up to END or ERROR.</summary>
    internal static async Task<string> QueryAsync(string host, int port, string command, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken);
        // Bytes, decoded at the end: a chunk boundary may split a multi-byte character of a node name.
        var reply = new MemoryStream();
        var buffer = new byte[4096];
        while (!EndsWith(reply, "END\r\n"u8) && !EndsWith(reply, "ERROR\r\n"u8))
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                break;
            reply.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
    }

    private static bool EndsWith(MemoryStream data, ReadOnlySpan<byte> suffix) =>
        data.GetBuffer().AsSpan(0, (int)data.Length).EndsWith(suffix);
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Trove.Cli;

/// <summary>
/// `trove cluster up --nodes N`: starts N local nodes on consecutive memcached and gossip ports, all joining the
/// first, for trying a cluster out. Each node is a separate `trove` process with its own logs on this terminal.
/// Ctrl-C or SIGTERM stops them all with SIGTERM (each leaves the cluster gracefully); if one dies, the rest are
/// stopped too and the command fails.
/// </summary>
internal static class ClusterUpCommand
{
    /// <summary>How long a node may take to stop after SIGTERM before it is killed.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "how many nodes to start", DefaultValueFactory = _ => 3 };
        var port = new Option<int>("--port", "-p") { Description = "memcached port of the first node; the others follow", DefaultValueFactory = _ => 11211 };
        var gossipPort = new Option<int>("--gossip-port") { Description = "gossip port of the first node; the others follow", DefaultValueFactory = _ => 7946 };
        var memory = new Option<int>("--memory-limit", "-m") { Description = "item memory of each node in megabytes", DefaultValueFactory = _ => 64 };
        var up = new Command("up", "Start a local cluster on consecutive ports; Ctrl-C stops it.") { nodes, port, gossipPort, memory };
        up.SetAction(async (parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output, error = parseResult.InvocationConfiguration.Error;
            int count = parseResult.GetValue(nodes), first = parseResult.GetValue(port), firstGossip = parseResult.GetValue(gossipPort);
            if (count is < 1 or > 64 || first is < 1 || first + count - 1 > 65535 || firstGossip is < 1 || firstGossip + count - 1 > 65535)
            {
                await error.WriteLineAsync("trove cluster up: --nodes must be 1 to 64 and every port between 1 and 65535");
                return ExitCodes.Usage;
            }
            return await RunAsync(count, first, firstGossip, parseResult.GetValue(memory), output, error, cancellationToken);
        });
        return new Command("cluster", "Local cluster tools.") { up };
    }

    private static async Task<int> RunAsync(int count, int firstPort, int firstGossip, int memory, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // SIGTERM and SIGINT stop the nodes first: without these handlers the runtime would end this process and
        // leave the nodes running.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        var children = new List<Process>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                string[] arguments =
                [
                    "--port", (firstPort + i).ToString(CultureInfo.InvariantCulture),
                    "--gossip-port", (firstGossip + i).ToString(CultureInfo.InvariantCulture),
                    "--join", $"127.0.0.1:{firstGossip}",
                    "--memory-limit", memory.ToString(CultureInfo.InvariantCulture),
                ];
                children.Add(Process.Start(Self(arguments)) ?? throw new InvalidOperationException("could not start a node"));
                await output.WriteLineAsync($"node {i + 1}: memcached 127.0.0.1:{firstPort + i}, gossip 127.0.0.1:{firstGossip + i} (pid {children[^1].Id})");
            }
            await output.WriteLineAsync($"{count} nodes started; `trove members --node 127.0.0.1:{firstPort}` lists them; Ctrl-C stops them all.");

            Task anyExited = Task.WhenAny(children.Select(child => child.WaitForExitAsync(CancellationToken.None)));
            Task stopRequested = Task.Delay(Timeout.Infinite, stop.Token);
            if (await Task.WhenAny(anyExited, stopRequested) == anyExited)
            {
                Process gone = children.First(child => child.HasExited);
                await error.WriteLineAsync($"trove cluster up: node pid {gone.Id} exited with {gone.ExitCode}; stopping the others");
                return ExitCodes.Unavailable;
            }
            return ExitCodes.Success;
        }
        finally
        {
            await StopAllAsync(children);
        }
    }

    /// <summary>SIGTERM to every node still running, then SIGKILL to any that has not stopped in time.</summary>
    private static async Task StopAllAsync(List<Process> children)
    {
        foreach (Process child in children.Where(child => !child.HasExited))
        {
            using Process? kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", child.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        foreach (Process child in children)
        {
            using var limit = new CancellationTokenSource(StopLimit);
            try
            {
                await child.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                child.Kill();
            }
            child.Dispose();
        }
    }

    /// <summary>This same `trove`, whether it runs as its own executable or as `dotnet trove.dll`.</summary>
    private static ProcessStartInfo Self(IEnumerable<string> arguments)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, ["exec", Assembly.GetEntryAssembly()!.Location, .. arguments])
            : new ProcessStartInfo(host, arguments);
        info.UseShellExecute = false;
        return info;
    }
}

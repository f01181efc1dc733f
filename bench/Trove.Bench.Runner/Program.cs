using System.CommandLine;
using Trove.Bench;

namespace Trove.Bench.Runner;

/// <summary>
/// `trove-bench`: the bench command on its own, so the load generator can run without the trove
/// executable. `trove-bench --connections 10` is the same as `trove bench --connections 10`.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        BenchRunner.PreferInlineSocketCompletions();
        var bench = BenchCli.CreateCommand();
        var root = new RootCommand(bench.Description ?? "");
        foreach (var option in bench.Options)
        {
            root.Options.Add(option);
        }
        root.Action = bench.Action;
        return root.Parse(args).InvokeAsync();
    }
}

using System.CommandLine;
using Trove.Bench;

namespace Trove.Cli;

/// <summary>The `trove` command tree: running a node is the root command; client tools are subcommands.</summary>
internal static class TroveCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Trove: a distributed key-value store that speaks the memcached protocol. Without a subcommand, runs a node.");

        var serverOptions = new List<(ServerOptionSpec, Option)>();
        foreach (ServerOptionSpec spec in ServerOptionTable.All)
        {
            Option option = CreateOption(spec);
            root.Options.Add(option);
            serverOptions.Add((spec, option));
        }

        var configFile = new Option<string?>("--config")
        {
            Description = $"JSON configuration file (default: {NodeSettingsLoader.DefaultConfigFile} in the working directory, when present)",
        };
        root.Options.Add(configFile);

        root.SetAction((parseResult, cancellationToken) =>
        {
            if (!NodeSettingsLoader.TryReadCommandLine(parseResult, serverOptions, out var values, out string error) ||
                !NodeSettingsLoader.TryLoad(values, parseResult.GetValue(configFile), environmentOverride: null, out NodeSettings settings, out error))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"trove: {error}");
                return Task.FromResult(ExitCodes.Usage);
            }
            return ServerCommand.RunAsync(settings, cancellationToken);
        });

        root.Subcommands.Add(BenchCli.CreateCommand());
        root.Subcommands.Add(MembersCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ClusterUpCommand.Create());
        root.Subcommands.Add(LeaveCommand.Create());
        return root;
    }

    private static Option CreateOption(ServerOptionSpec spec)
    {
        string[] aliases = spec.ShortName is null ? [] : [spec.ShortName];
        if (spec.Kind == OptionKind.Flag)
        {
            return new Option<bool>(spec.LongName, aliases) { Description = spec.Description };
        }

        string defaultText = spec.DefaultText;
        return new Option<string>(spec.LongName, aliases)
        {
            Description = spec.Description,
            DefaultValueFactory = _ => defaultText,
        };
    }
}

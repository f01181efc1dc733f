using Trove.Cli;

namespace Trove;

internal static class Program
{
    public static Task<int> Main(string[] args) =>
        TroveCommandLine.Create().Parse(VerbosityArguments.Normalize(args)).InvokeAsync();
}

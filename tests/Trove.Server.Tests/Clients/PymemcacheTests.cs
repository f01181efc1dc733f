using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>The pymemcache client (python3-pymemcache) against the candidate; every result is asserted in python.</summary>
public sealed class PymemcacheTests
{
    [Fact]
    public async Task Pymemcache_gets_the_expected_result_from_every_command()
    {
        string python = await Tools.PythonWithPymemcacheAsync();
        await using IServerUnderTest server = await Candidate.StartAsync();

        ToolRun run = await ToolRun.RunAsync(python, [ProjectPaths.InProject("Clients", "pymemcache_check.py"), server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.True(run.ExitCode == 0, $"pymemcache checks failed against {server.Name}:\n{run}");
        Assert.Contains("checks passed", run.Output, StringComparison.Ordinal);
    }
}

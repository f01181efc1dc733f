using System.Globalization;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>pymemcache authenticating with memcached's text protocol scheme (a set whose value is "user password").</summary>
public sealed class PymemcacheAuthTests : IDisposable
{
    private readonly string _authFile = Path.Combine(Path.GetTempPath(), $"trove-auth-{Guid.NewGuid():N}.txt");

    public PymemcacheAuthTests() => File.WriteAllText(_authFile, "alice:secret\nbob:pw2\n");

    public void Dispose() => File.Delete(_authFile);

    [Fact]
    public async Task Pymemcache_authenticates_with_a_set_and_is_refused_before()
    {
        string python = await Tools.PythonWithPymemcacheAsync();
        await using IServerUnderTest server = await Candidate.StartAsync(ServerSettings.Default with { AuthFile = _authFile });

        ToolRun run = await ToolRun.RunAsync(python, [ProjectPaths.InProject("Clients", "pymemcache_auth_check.py"), server.Port.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(run.ExitCode == 0, $"pymemcache auth checks failed against {server.Name}:\n{run}");
        Assert.Contains("checks passed", run.Output, StringComparison.Ordinal);
    }
}

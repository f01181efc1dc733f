using System.Text.RegularExpressions;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>
/// libmemcached's protocol checker, ASCII tests only (-a; -t sets its I/O timeout). The candidate must pass
/// exactly the tests memcached passes, and memcached must pass some (otherwise the comparison proves nothing).
/// </summary>
public sealed partial class MemcapableTests
{
    [Fact]
    public async Task Memcapable_ascii_tests_pass_against_the_candidate_exactly_as_against_memcached()
    {
        string memcapable = Tools.Memcapable;

        IReadOnlyDictionary<string, string> expected;
        ToolRun reference;
        await using (MemcachedProcess memcached = await MemcachedProcess.StartAsync(ServerSettings.Default))
        {
            reference = await RunAsync(memcapable, memcached.Port);
            expected = Results(reference.Output);
        }

        await using IServerUnderTest candidate = await Candidate.StartAsync();
        ToolRun run = await RunAsync(memcapable, candidate.Port);
        IReadOnlyDictionary<string, string> actual = Results(run.Output);

        Assert.True(expected.Values.Count(v => v == "pass") >= 20, $"memcached passes too few memcapable tests; the tool misbehaves:\n{reference}");
        string[] differences = [.. expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(test => expected.GetValueOrDefault(test) != actual.GetValueOrDefault(test))
            .Select(test => $"{test}: memcached {expected.GetValueOrDefault(test) ?? "(not run)"}, {candidate.Name} {actual.GetValueOrDefault(test) ?? "(not run)"}")];
        Assert.True(differences.Length == 0, $"memcapable results differ:\n{string.Join('\n', differences)}\n\n{run}");
        Assert.Equal(reference.ExitCode, run.ExitCode);
    }

    private static Task<ToolRun> RunAsync(string memcapable, int port) =>
        ToolRun.RunAsync(memcapable, ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "-t", "10"]);

    /// <summary>"ascii set noreply                       [pass]" lines, by test name.</summary>
    private static Dictionary<string, string> Results(string output) =>
        ResultLine().Matches(output).ToDictionary(m => m.Groups["test"].Value.Trim(), m => m.Groups["result"].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<test>ascii .+?)\s+\[(?<result>[a-z]+)\]\s*$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}

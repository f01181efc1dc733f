using System.Text.RegularExpressions;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>
/// libmemcached's protocol checker: ASCII tests only (-a), and without -a the binary tests as well (-t sets its I/O
/// timeout). The candidate must pass exactly the tests memcached passes, and memcached must pass some (otherwise the
/// comparison proves nothing).
/// </summary>
public sealed partial class MemcapableTests
{
    [Fact]
    public Task Memcapable_ascii_tests_pass_against_the_candidate_exactly_as_against_memcached() =>
        CompareAsync(asciiOnly: true, minimumPasses: 20);

    [Fact]
    public Task Memcapable_binary_and_ascii_tests_pass_against_the_candidate_exactly_as_against_memcached() =>
        CompareAsync(asciiOnly: false, minimumPasses: 45);

    private static async Task CompareAsync(bool asciiOnly, int minimumPasses)
    {
        string memcapable = Tools.Memcapable;

        IReadOnlyDictionary<string, string> expected;
        ToolRun reference;
        await using (MemcachedProcess memcached = await MemcachedProcess.StartAsync(ServerSettings.Default))
        {
            reference = await RunAsync(memcapable, memcached.Port, asciiOnly);
            expected = Results(reference.Output);
        }

        await using IServerUnderTest candidate = await Candidate.StartAsync();
        ToolRun run = await RunAsync(memcapable, candidate.Port, asciiOnly);
        IReadOnlyDictionary<string, string> actual = Results(run.Output);

        Assert.True(expected.Values.Count(v => v == "pass") >= minimumPasses, $"memcached passes too few memcapable tests; the tool misbehaves:\n{reference}");
        string[] differences = [.. expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(test => expected.GetValueOrDefault(test) != actual.GetValueOrDefault(test))
            .Select(test => $"{test}: memcached {expected.GetValueOrDefault(test) ?? "(not run)"}, {candidate.Name} {actual.GetValueOrDefault(test) ?? "(not run)"}")];
        Assert.True(differences.Length == 0, $"memcapable results differ:\n{string.Join('\n', differences)}\n\n{run}");
        Assert.Equal(reference.ExitCode, run.ExitCode);
        if (!asciiOnly)
        {
            Assert.True(expected.Keys.Count(test => test.StartsWith("binary ", StringComparison.Ordinal)) >= 20, $"memcapable ran too few binary tests:\n{reference}");
        }
    }

    private static Task<ToolRun> RunAsync(string memcapable, int port, bool asciiOnly) =>
        ToolRun.RunAsync(memcapable, ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. asciiOnly ? (string[])["-a"] : [], "-t", "10"]);

    /// <summary>"ascii set noreply                       [pass]" and "binary getq   [pass]" lines, by test name.</summary>
    private static Dictionary<string, string> Results(string output) =>
        ResultLine().Matches(output).ToDictionary(m => m.Groups["test"].Value.Trim(), m => m.Groups["result"].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<test>(?:ascii|binary) .+?)\s+\[(?<result>[a-z]+)\]\s*$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}

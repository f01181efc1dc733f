using Trove.Server.Tests.Differential;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Auth;

/// <summary>
/// Authentication (-Y), idle-timeout settings and refresh_certs without TLS against memcached 1.6.18 started with the
/// same flags: fresh servers, the same conversation, the same bytes back (after <see cref="ReplyMask"/>). The
/// conversations cannot use the "mn" sentinel before authentication, so each step states how many reply lines end
/// it (<see cref="LineStep"/>).
/// </summary>
public sealed class AuthDifferentialTests : IDisposable
{
    private readonly string _authFile = Path.Combine(Path.GetTempPath(), $"trove-auth-{Guid.NewGuid():N}.txt");

    public AuthDifferentialTests() => File.WriteAllText(_authFile, "alice:secret\nbob:pw2\n");

    public void Dispose() => File.Delete(_authFile);

    private static readonly Dictionary<string, LineStep[]> AuthCases = new()
    {
        ["commands before authentication"] =
        [
            new("get foo\r\n", 1),
            new("mg foo v\r\n", 1),
            new("mn\r\n", 1),
            new("stats\r\n", 1),
            new("SET x 0 0 12\r\nalice secret\r\n", 1),
            new("set x 0 0\r\n", 1),
            new("set x 0 0 -1\r\n", 1),
            new("set x 0 0 abc\r\n", 1),
            new("quit\r\n", 1),
            new("version\r\n", 1),
        ],
        ["right password, then normal commands"] =
        [
            new("set anykey 0 0 12\r\nalice secret\r\n", 1),
            new("set foo 5 0 3\r\nbar\r\nget foo\r\n"),
            new("mg foo v f\r\nversion\r\n"),
        ],
        ["wrong password stays unauthenticated"] =
        [
            new("set x 0 0 11\r\nalice wrong\r\n", 1),
            new("get foo\r\n", 1),
            new("set x 0 0 10\r\nbob secret\r\n", 1),
            new("set x 0 0 12\r\nalice secre\r\n\r\n", 1),
            new("set x 0 0 5\r\nalice\r\n", 1),
            new("set x 0 0 12\r\nalice secretXY", 1),
            new("version\r\n", 1),
        ],
        ["value forms memcached accepts"] =
        [
            new("set  k  0 0 13 noreply extra\nalice  secret\r\n", 1),
            new("version\r\n"),
        ],
        ["value arriving in pieces"] =
        [
            new("set x 0 0 ", -1),
            new("7\r\nbob p", -1),
            new("w2\r", -1),
            new("\n", 1),
            new("version\r\n"),
        ],
        ["only the last reply of a read before authentication"] =
        [
            new("get a\r\nget b\r\nset x 0 0 11\r\nalice wrong\r\n", 1),
            new("set x 0 0 11\r\nalice wrong\r\nget a\r\n", 1),
            new("get a\r\nset x 0 0 11\r\nalice wrong\r\nset x 0 0 7\r\nbob pw2\r\nversion\r\n"),
        ],
        ["twenty commands per read, then memcached sends what it holds"] =
        [
            new(string.Concat(Enumerable.Repeat("get a\r\n", 25)), 2),
            new("version\r\n", 1),
        ],
        ["counters in stats"] =
        [
            new("set x 0 0 11\r\nalice wrong\r\n", 1),
            new("set x 0 0 5\r\nalice\r\n", 1),
            new("get foo\r\n", 1),
            new("set x 0 0 12\r\nalice secret\r\n", 1),
            new("stats\r\n"),
            new("stats settings\r\n"),
        ],
    };

    private static readonly Dictionary<string, LineStep[]> IdleCases = new()
    {
        ["stats with an idle timeout"] =
        [
            new("stats\r\n"),
            new("stats settings\r\n"),
        ],
        ["refresh_certs without TLS"] =
        [
            new("refresh_certs\r\n"),
            new("refresh_certs noreply\r\n"),
        ],
    };

    public static TheoryData<string> AuthCaseNames() => [.. AuthCases.Keys];

    public static TheoryData<string> IdleCaseNames() => [.. IdleCases.Keys];

    [Theory]
    [MemberData(nameof(AuthCaseNames))]
    public Task An_authenticating_connection_gets_what_memcached_sends(string name) =>
        CompareAsync(name, AuthCases[name], ServerSettings.Default with { AuthFile = _authFile });

    [Theory]
    [MemberData(nameof(IdleCaseNames))]
    public Task An_idle_timeout_shows_in_stats_as_in_memcached(string name) =>
        CompareAsync(name, IdleCases[name], ServerSettings.Default with { IdleTimeoutSeconds = 600 });

    /// <summary>
    /// Settings where Trove with an auth file deliberately differs from memcached -Y: memcached turns the binary
    /// protocol off ("binding_protocol ascii", no SASL), Trove keeps it and authenticates binary clients with SASL
    /// PLAIN against the same file (tests/Trove.Server.Tests/Session/BinarySaslTests.cs, Clients/SaslClientTests.cs).
    /// </summary>
    private static string MaskDeliberateDifferences(string reply) =>
        System.Text.RegularExpressions.Regex.Replace(reply, "STAT (binding_protocol|auth_enabled_sasl) [^\r]*", "STAT $1 " + ReplyMask.Masked);

    private static async Task CompareAsync(string name, LineStep[] steps, ServerSettings settings)
    {
        Task<MemcachedProcess> startingReference = MemcachedProcess.StartAsync(settings);
        Task<IServerUnderTest> startingCandidate = Candidate.StartAsync(settings);
        await using MemcachedProcess reference = await startingReference;
        await using IServerUnderTest candidate = await startingCandidate;

        Transcript expected = await LineClient.ExchangeAsync(reference.Port, steps);
        Transcript actual = await LineClient.ExchangeAsync(candidate.Port, steps);

        Assert.True(expected.End != ExchangeEnd.Hang, $"case error: memcached itself hangs on {name}: {expected}");
        List<string> left = [.. ReplyMask.Lines(MaskDeliberateDifferences(ReplyMask.Apply(expected.Reply)))];
        List<string> right = [.. ReplyMask.Lines(MaskDeliberateDifferences(ReplyMask.Apply(actual.Reply)))];
        if (expected.End != actual.End || ReplyComparer.FirstDifference(left, right) is not null)
        {
            Assert.Fail(TranscriptDiff.Describe(name, expected, actual, candidate.Name));
        }
    }
}

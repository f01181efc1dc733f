namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// Which server plays the candidate (the server under test). Trove by default; TROVE_CANDIDATE=memcached puts
/// memcached in that role too, which validates the harness and the corpus themselves: every differential case,
/// client test and robustness test must pass memcached against memcached.
/// </summary>
internal static class Candidate
{
    public static bool IsMemcached { get; } = ReadKind();

    public static async Task<IServerUnderTest> StartAsync(ServerSettings settings) =>
        IsMemcached ? await MemcachedProcess.StartAsync(settings) : await TroveTarget.StartAsync(settings);

    public static Task<IServerUnderTest> StartAsync() => StartAsync(ServerSettings.Default);

    private static bool ReadKind()
    {
        string? kind = Environment.GetEnvironmentVariable("TROVE_CANDIDATE");
        return kind switch
        {
            null or "" or "trove" => false,
            "memcached" => true,
            _ => throw new InvalidOperationException($"TROVE_CANDIDATE='{kind}': expected 'trove' or 'memcached'."),
        };
    }
}

using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>
/// libmemcached's memcp/memcat in binary mode with SASL (PLAIN through Cyrus SASL's client) against a Trove node with
/// an auth file. memcached cannot be the reference here: with -Y it refuses the binary protocol, and its -S reads
/// users from Cyrus SASL, not from a file.
/// </summary>
public sealed class SaslClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trove-sasl-").FullName;
    private readonly string _authFile;

    public SaslClientTests()
    {
        _authFile = Path.Combine(_directory, "users");
        File.WriteAllText(_authFile, "alice:secret\nbob:pw2\n");
    }

    [Fact]
    public async Task A_binary_client_with_the_right_password_stores_and_reads()
    {
        byte[] content = [.. Enumerable.Range(0, 5000).Select(i => (byte)i)];
        string source = Path.Combine(_directory, "file.bin");
        string copy = Path.Combine(_directory, "copy.bin");
        await File.WriteAllBytesAsync(source, content);
        await using TroveTarget server = await TroveTarget.StartAsync(ServerSettings.Default with { AuthFile = _authFile });
        string[] login = [$"--servers=127.0.0.1:{server.Port}", "--binary", "--username=bob", "--password=pw2"];

        ToolRun stored = await ToolRun.RunAsync(Tools.Memcp, [.. login, source], _directory);
        Assert.True(stored.ExitCode == 0, $"memcp failed:\n{stored}");
        ToolRun fetched = await ToolRun.RunAsync(Tools.Memcat, [.. login, $"--file={copy}", "file.bin"], _directory);
        Assert.True(fetched.ExitCode == 0, $"memcat failed:\n{fetched}");

        Assert.Equal(content, await File.ReadAllBytesAsync(copy));
        Stats stats = await StatsAfterTextLoginAsync(server.Port);
        Assert.Equal(0, stats["auth_errors"]);
    }

    [Theory]
    [InlineData("--username=bob", "--password=wrong")]
    [InlineData("--username=nobody", "--password=pw2")]
    public async Task A_binary_client_with_a_wrong_password_stores_nothing(string user, string password)
    {
        string source = Path.Combine(_directory, "file.txt");
        await File.WriteAllTextAsync(source, "not for you");
        await using TroveTarget server = await TroveTarget.StartAsync(ServerSettings.Default with { AuthFile = _authFile });

        ToolRun stored = await ToolRun.RunAsync(Tools.Memcp, [$"--servers=127.0.0.1:{server.Port}", "--binary", user, password, source], _directory);

        Assert.NotEqual(0, stored.ExitCode);
        Stats stats = await StatsAfterTextLoginAsync(server.Port);
        Assert.Equal(0, stats["curr_items"]);
        Assert.True(stats["auth_errors"] >= 1, $"auth_errors {stats["auth_errors"]}");
    }

    /// <summary>stats over a text connection, which has to log in first with memcached's -Y scheme.</summary>
    private static async Task<Stats> StatsAfterTextLoginAsync(int port) =>
        await Stats.ReadAsync(port, "set login 0 0 12\r\nalice secret\r\nstats");

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

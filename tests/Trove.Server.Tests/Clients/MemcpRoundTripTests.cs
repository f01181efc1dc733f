using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Clients;

/// <summary>libmemcached's memcp stores a file under its base name; memcat reads it back into another file. Both in text and with --binary.</summary>
public sealed class MemcpRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trove-memcp-").FullName;

    [Theory]
    [InlineData("text.txt", 20_000, false)]
    [InlineData("every-byte.bin", 102_400, false)]
    [InlineData("text.txt", 20_000, true)]
    [InlineData("every-byte.bin", 102_400, true)]
    public async Task A_file_copied_in_with_memcp_comes_back_byte_for_byte_with_memcat(string name, int length, bool binary)
    {
        string memcp = Tools.Memcp;
        string memcat = Tools.Memcat;
        byte[] content = name.EndsWith(".bin", StringComparison.Ordinal)
            ? [.. Enumerable.Range(0, length).Select(i => (byte)i)]
            : [.. Enumerable.Range(0, length).Select(i => i % 64 == 63 ? (byte)'\n' : (byte)('a' + (i % 26)))];
        string source = Path.Combine(_directory, name);
        string copy = Path.Combine(_directory, "copy-" + name);
        await File.WriteAllBytesAsync(source, content);
        await using IServerUnderTest server = await Candidate.StartAsync();
        string servers = $"--servers=127.0.0.1:{server.Port}";
        string[] protocol = binary ? ["--binary"] : [];

        ToolRun stored = await ToolRun.RunAsync(memcp, [servers, .. protocol, source], _directory);
        Assert.True(stored.ExitCode == 0, $"memcp failed against {server.Name}:\n{stored}");
        ToolRun fetched = await ToolRun.RunAsync(memcat, [servers, .. protocol, $"--file={copy}", name], _directory);
        Assert.True(fetched.ExitCode == 0, $"memcat failed against {server.Name}:\n{fetched}");

        Assert.Equal(content, await File.ReadAllBytesAsync(copy));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Memcat_of_a_missing_key_fails(bool binary)
    {
        string memcat = Tools.Memcat;
        await using IServerUnderTest server = await Candidate.StartAsync();
        string[] protocol = binary ? ["--binary"] : [];

        ToolRun fetched = await ToolRun.RunAsync(memcat, [$"--servers=127.0.0.1:{server.Port}", .. protocol, "not-there"], _directory);

        Assert.NotEqual(0, fetched.ExitCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

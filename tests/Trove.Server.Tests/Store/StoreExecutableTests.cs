using Trove.Server.Tests.Executable;

namespace Trove.Server.Tests.Store;

/// <summary>How the executable refuses store-mode settings and a damaged log.</summary>
public sealed class StoreExecutableTests : IDisposable
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);
    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void StoreModeWithoutADataDirectoryExitsWithUsage()
    {
        using var trove = TroveProcess.Start("--mode store");
        Assert.True(trove.WaitForExit(ExitLimit));
        Assert.Equal(64, trove.ExitCode);
        Assert.Contains("--mode store needs --data-dir", trove.StandardError);
    }

    [Fact]
    public void LongKeysWithoutStoreModeExitWithUsage()
    {
        using var trove = TroveProcess.Start("--max-key-length 1000");
        Assert.True(trove.WaitForExit(ExitLimit));
        Assert.Equal(64, trove.ExitCode);
        Assert.Contains("--max-key-length above 250 needs --mode store", trove.StandardError);
    }

    [Fact]
    public async Task ADamagedLogExitsWithDataErrorNamingTheFileAndOffset()
    {
        await using (TroveNode node = await StoreNode.StartAsync(_dir.Options()))
        {
            await StoreNode.SendAsync(node.Port, "set a 0 0 8\r\nAAAAAAAA\r\nset b 0 0 1\r\n1\r\n");
        }
        string segment = Directory.GetFiles(_dir.DataDir, "log-*.trv").Single();
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[bytes.AsSpan().IndexOf("AAAAAAAA"u8)] = (byte)'B';
        await File.WriteAllBytesAsync(segment, bytes);

        using var trove = TroveProcess.Start($"-p {TroveProcess.FreePort()} --mode store --data-dir \"{_dir.DataDir}\"");
        Assert.True(trove.WaitForExit(ExitLimit));
        Assert.Equal(65, trove.ExitCode);
        Assert.Contains($"{segment} at offset 25", trove.StandardError);
    }
}

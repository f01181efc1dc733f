namespace Trove.Server.Tests.Executable;

/// <summary>`trove leave` (its success path, a node handing over and exiting, runs in <see cref="StoreChaosTests"/>).</summary>
public sealed class LeaveCommandTests
{
    [Fact]
    public async Task LeaveRefusedByANodeWithoutEnableShutdownSaysSoAndTheNodeStays()
    {
        int port = TroveProcess.FreePort();
        using TroveProcess node = TroveProcess.Start($"-p {port}");
        (await node.ConnectAsync(port)).Dispose();

        using TroveProcess leave = TroveProcess.Start($"leave --node 127.0.0.1:{port}");
        Assert.True(leave.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(69, leave.ExitCode);
        Assert.Contains("--enable-shutdown", leave.StandardError, StringComparison.Ordinal);
        Assert.False(node.HasExited);
    }

    [Fact]
    public void LeaveOfANodeThatIsNotThereFailsWithUnavailable()
    {
        using TroveProcess leave = TroveProcess.Start($"leave --node 127.0.0.1:{TroveProcess.FreePort()} --timeout 5");
        Assert.True(leave.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(69, leave.ExitCode);
        Assert.Contains("cannot reach", leave.StandardError, StringComparison.Ordinal);
    }
}

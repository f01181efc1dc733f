using System.Net;
using System.Net.Sockets;
using Trove.Server.Tests.Cluster;

namespace Trove.Server.Tests.Executable;

/// <summary>`trove cluster up`: a local cluster on consecutive ports that forms, and stops entirely on SIGTERM.</summary>
public sealed class ClusterUpTests
{
    private const int Nodes = 3;

    [Fact]
    public async Task ThreeLocalNodesFormAClusterAndAllStopOnSigterm()
    {
        (int port, int gossip) = FreeConsecutivePorts();
        using TroveProcess up = TroveProcess.Start($"cluster up --nodes {Nodes} --port {port} --gossip-port {gossip}");
        for (int i = 0; i < Nodes; i++)
        {
            (await up.ConnectAsync(port + i)).Dispose();
        }

        for (int i = 0; i < Nodes; i++)
        {
            await NodeView.WaitForAsync(port + i,
                v => v.Count == Nodes && v.All(r => r.State == "alive") && v.Sum(r => r.Primary) == 1024, $"{Nodes} alive members");
        }
        Assert.Contains($"{Nodes} nodes started", up.StandardOutput, StringComparison.Ordinal);

        up.Terminate();
        Assert.True(up.WaitForExit(TimeSpan.FromSeconds(60)), "trove cluster up did not stop on SIGTERM");
        Assert.Equal(0, up.ExitCode);
        for (int i = 0; i < Nodes; i++)
        {
            Assert.False(Listening(port + i), $"node {i + 1} still listens on {port + i} after cluster up stopped");
        }
    }

    [Theory]
    [InlineData("cluster up --nodes 0")]
    [InlineData("cluster up --nodes 3 --port 65534")]
    public void ImpossibleLayoutsAreRefused(string arguments)
    {
        using TroveProcess up = TroveProcess.Start(arguments);
        Assert.True(up.WaitForExit(TimeSpan.FromSeconds(30)), "trove cluster up hung on bad options");
        Assert.Equal(64, up.ExitCode);
    }

    private static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A memcached base port and a gossip base port (TCP and UDP) with <see cref="Nodes"/> free ports each.</summary>
    private static (int Port, int Gossip) FreeConsecutivePorts()
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20000, 60000);
            int gossip = port + 1000;
            if (Enumerable.Range(0, Nodes).All(i => Free(port + i, udp: false) && Free(gossip + i, udp: false) && Free(gossip + i, udp: true)))
            {
                return (port, gossip);
            }
        }
        throw new InvalidOperationException("no run of free ports found");
    }

    private static bool Free(int port, bool udp)
    {
        try
        {
            if (udp)
            {
                using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            }
            else
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

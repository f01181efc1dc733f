using System.Text;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Store;

/// <summary>In-process store-mode nodes on a temporary data directory, and a text client for them.</summary>
internal sealed class StoreNode : IDisposable
{
    public StoreNode() => Directory.CreateDirectory(DataDir);

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "trove-store-" + Guid.NewGuid().ToString("N"));

    public StoreOptions Options(string fsync = "always") => new() { Mode = "store", DataDir = DataDir, Fsync = fsync };

    public static Task<TroveNode> StartAsync(StoreOptions store) =>
        TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions(), cluster: null, store, configureLogging: null);

    /// <summary>Sends <paramref name="script"/> and returns the replies, without the sentinel's.</summary>
    public static async Task<string> SendAsync(int port, string script)
    {
        Transcript transcript = await RawClient.ExchangeAsync(port, Encoding.Latin1.GetBytes(script));
        Assert.Equal(ExchangeEnd.Sentinel, transcript.End);
        string reply = Encoding.Latin1.GetString(transcript.Reply);
        Assert.EndsWith("MN\r\n", reply);
        return reply[..^4];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

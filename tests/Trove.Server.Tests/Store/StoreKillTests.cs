using System.Net.Sockets;
using System.Text;
using Trove.Server.Tests.Executable;
using Xunit.Abstractions;

namespace Trove.Server.Tests.Store;

/// <summary>
/// The real executable in store mode, killed with SIGKILL while a client writes: every write it acknowledged is there
/// after the restart. The moment of each kill comes from a seeded generator, so a failure can be replayed.
/// </summary>
public sealed class StoreKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 5;
    private const int Seed = 20261122;
    private const int Pipeline = 8; // sets per write, so group commit has concurrent records to batch

    private readonly StoreNode _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesKillNine()
    {
        var random = new Random(Seed);
        var acknowledged = new List<string>(); // keys answered STORED, over every round
        long checkedWrites = 0;
        long lost = 0;
        long sentUnacknowledged = 0;
        for (int round = 0; round < Rounds; round++)
        {
            int port = TroveProcess.FreePort();
            using TroveProcess trove = TroveProcess.Start($"-p {port} --mode store --fsync always --data-dir \"{_dir.DataDir}\"");
            using (TcpClient client = await trove.ConnectAsync(port))
            {
                // Everything acknowledged in earlier rounds, read back exactly.
                foreach (string key in acknowledged)
                {
                    checkedWrites++;
                    if (await GetAsync(client, key) != ValueOf(key))
                    {
                        lost++;
                    }
                }
            }

            // Kill after a seeded number of acknowledgements, while the writer keeps sending.
            int killAfter = random.Next(50, 400);
            using TcpClient writer = await trove.ConnectAsync(port);
            var killed = new TaskCompletionSource();
            var acks = new List<string>();
            Task<long> writing = Task.Run(() => WriteUntilKilledAsync(writer, round, acks, killAfter, killed));
            await killed.Task;
            trove.Kill();
            sentUnacknowledged += await writing;
            acknowledged.AddRange(acks);
        }

        // A last start checks the last round's writes too, and that recovery counted something.
        int lastPort = TroveProcess.FreePort();
        using (TroveProcess last = TroveProcess.Start($"-p {lastPort} --mode store --fsync always --data-dir \"{_dir.DataDir}\""))
        {
            using TcpClient client = await last.ConnectAsync(lastPort);
            foreach (string key in acknowledged)
            {
                checkedWrites++;
                if (await GetAsync(client, key) != ValueOf(key))
                {
                    lost++;
                }
            }
            last.Kill();
        }

        output.WriteLine($"kill -9 loop (seed {Seed}, {Rounds} rounds): {acknowledged.Count} writes acknowledged, "
            + $"{checkedWrites} reads checked, {lost} lost, {sentUnacknowledged} sent but not acknowledged when killed");
        Assert.Equal(0, lost);
        Assert.True(acknowledged.Count >= Rounds * 50);
    }

    private static string KeyOf(int round, int i) => $"r{round}k{i}";

    private static string ValueOf(string key) => "value-of-" + key + new string('x', key.Length * 3);

    /// <summary>Sends pipelined sets until the process dies; returns how many were sent without an answer.</summary>
    private static async Task<long> WriteUntilKilledAsync(TcpClient client, int round, List<string> acks, int killAfter, TaskCompletionSource killed)
    {
        NetworkStream stream = client.GetStream();
        var reader = new LineReader(stream);
        int next = 0;
        try
        {
            while (true)
            {
                var batch = new StringBuilder();
                var keys = new List<string>();
                for (int i = 0; i < Pipeline; i++)
                {
                    string key = KeyOf(round, next++);
                    string value = ValueOf(key);
                    batch.Append($"set {key} 0 0 {value.Length}\r\n{value}\r\n");
                    keys.Add(key);
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes(batch.ToString()));
                foreach (string key in keys)
                {
                    string? line = await reader.ReadLineAsync();
                    if (line is null)
                    {
                        return next - acks.Count;
                    }
                    Assert.Equal("STORED", line);
                    acks.Add(key);
                    if (acks.Count == killAfter)
                    {
                        killed.TrySetResult(); // the writer goes on; the kill lands wherever it lands
                    }
                }
            }
        }
        catch (IOException)
        {
            return next - acks.Count;
        }
        finally
        {
            killed.TrySetResult();
        }
    }

    private static async Task<string?> GetAsync(TcpClient client, string key)
    {
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"get {key}\r\n"));
        var reader = new LineReader(stream);
        string first = await reader.ReadLineAsync() ?? throw new IOException("closed");
        if (first == "END")
        {
            return null;
        }
        string value = await reader.ReadLineAsync() ?? throw new IOException("closed");
        Assert.Equal("END", await reader.ReadLineAsync());
        return value;
    }

    /// <summary>Reads CRLF lines one byte at a time (slow, simple, and never reads past a reply).</summary>
    private sealed class LineReader(NetworkStream stream)
    {
        private readonly byte[] _one = new byte[1];

        public async Task<string?> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                int read = await stream.ReadAsync(_one);
                if (read == 0)
                {
                    return null;
                }
                if (_one[0] == '\n' && line.Length > 0 && line[^1] == '\r')
                {
                    return line.ToString(0, line.Length - 1);
                }
                line.Append((char)_one[0]);
            }
        }
    }
}

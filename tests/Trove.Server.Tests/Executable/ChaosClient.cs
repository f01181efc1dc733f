using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Server.Tests.Executable;

/// <summary>
/// Every write the chaos writer sent: one in four overwrites one of <see cref="OverwrittenKeys"/> keys with its
/// sequence number (so a rollback to an older acknowledged value is visible), the rest write a key of their own.
/// </summary>
internal sealed class WriteLedger
{
    public const int OverwrittenKeys = 50;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _unique = [];
    private readonly List<string> _uniqueKeys = [];
    private readonly Dictionary<string, long> _lastAcknowledged = [];
    private readonly Dictionary<string, HashSet<long>> _sent = [];
    private long _acknowledged, _unacknowledged, _overwrites;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);
    public long Unacknowledged => Interlocked.Read(ref _unacknowledged);
    public long Overwrites => Interlocked.Read(ref _overwrites);

    public static (string Key, string Value) Write(long n) =>
        n % 4 == 0 ? ($"o{n / 4 % OverwrittenKeys}", n.ToString(CultureInfo.InvariantCulture)) : ($"w{n}", $"value-{n}");

    /// <summary>Called before write <paramref name="n"/> is sent: a value a reader may see from then on.</summary>
    public void Sending(long n)
    {
        if (n % 4 != 0)
            return;
        (string key, _) = Write(n);
        lock (_gate)
        {
            if (!_sent.TryGetValue(key, out HashSet<long>? values))
                _sent[key] = values = [];
            values.Add(n);
        }
    }

    /// <summary>Write <paramref name="n"/> was answered (or failed).</summary>
    public void Sent(long n, bool acknowledged)
    {
        (string key, string value) = Write(n);
        lock (_gate)
        {
            if (n % 4 == 0)
            {
                if (acknowledged)
                {
                    _lastAcknowledged[key] = Math.Max(n, _lastAcknowledged.GetValueOrDefault(key, -1));
                    _overwrites++;
                }
            }
            else if (acknowledged)
            {
                _unique[key] = value;
                _uniqueKeys.Add(key);
            }
        }
        Interlocked.Increment(ref acknowledged ? ref _acknowledged : ref _unacknowledged);
    }

    /// <summary>An acknowledged key of its own, at random (null before the first).</summary>
    public string? RandomAcknowledged(Random random)
    {
        lock (_gate)
            return _uniqueKeys.Count == 0 ? null : _uniqueKeys[random.Next(_uniqueKeys.Count)];
    }

    /// <summary>Every key with an acknowledged write: unique keys with their value, overwritten ones with the lowest acceptable sequence.</summary>
    public (List<KeyValuePair<string, string>> Unique, List<KeyValuePair<string, long>> Overwritten) Expected()
    {
        lock (_gate)
            return ([.. _unique], [.. _lastAcknowledged]);
    }

    /// <summary>Whether <paramref name="value"/> is acceptable for overwritten <paramref name="key"/>: a sequence sent for it, not older than the last acknowledged.</summary>
    public bool Acceptable(string key, long lastAcknowledged, string value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < lastAcknowledged)
            return false;
        lock (_gate)
            return _sent.TryGetValue(key, out HashSet<long>? values) && values.Contains(n);
    }

    /// <summary>Waits until <paramref name="more"/> further writes were acknowledged; a writer that stops making progress fails the test.</summary>
    public async Task WaitForMoreAsync(int more)
    {
        long target = Acknowledged + more;
        var clock = Stopwatch.StartNew();
        while (Acknowledged < target)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(120))
                throw new TimeoutException($"writes stopped being acknowledged: {Acknowledged} of {target}, {Unacknowledged} failed");
            await Task.Delay(20);
        }
    }
}

internal readonly record struct ReadTally(long Hits, long Misses, long Errors);

/// <summary>The chaos test's clients: plain text protocol over TCP, one request at a time, each bounded in time.</summary>
internal static class ChaosClient
{
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(15);

    public static async Task WriteAsync(LiveNodes live, WriteLedger ledger, CancellationToken stop)
    {
        var connections = new Dictionary<ClusterNode, Connection>();
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            IReadOnlyList<ClusterNode> nodes = live.Snapshot();
            ClusterNode node = nodes[(int)(n % nodes.Count)];
            (string key, string value) = WriteLedger.Write(n);
            bool stored = false;
            ledger.Sending(n);
            try
            {
                if (!connections.TryGetValue(node, out Connection? connection))
                    connections[node] = connection = await Connection.OpenAsync(node.Port);
                string reply = await connection.RequestLineAsync($"set {key} 0 0 {value.Length}\r\n{value}\r\n");
                stored = reply == "STORED";
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (connections.Remove(node, out Connection? broken))
                    broken.Dispose();
                await Task.Delay(20, CancellationToken.None);
            }
            ledger.Sent(n, stored);
        }
        foreach (Connection connection in connections.Values)
            connection.Dispose();
    }

    public static async Task<ReadTally> ReadAsync(LiveNodes live, WriteLedger ledger, Random random, CancellationToken stop)
    {
        long hits = 0, misses = 0, errors = 0;
        var connections = new Dictionary<ClusterNode, Connection>();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None);
            if (ledger.RandomAcknowledged(random) is not { } key)
                continue;
            ClusterNode node = live.Pick(random);
            try
            {
                if (!connections.TryGetValue(node, out Connection? connection))
                    connections[node] = connection = await Connection.OpenAsync(node.Port);
                Dictionary<string, string> found = await connection.GetAsync([key]);
                if (found.ContainsKey(key))
                    hits++;
                else
                    misses++;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
            {
                errors++;
                if (connections.Remove(node, out Connection? broken))
                    broken.Dispose();
            }
        }
        foreach (Connection connection in connections.Values)
            connection.Dispose();
        return new ReadTally(hits, misses, errors);
    }

    /// <summary>Reads every acknowledged key through <paramref name="node"/>; returns how many were checked and the lost ones.</summary>
    public static async Task<(long Checked, List<string> Lost)> CheckAllAsync(ClusterNode node, WriteLedger ledger)
    {
        (List<KeyValuePair<string, string>> unique, List<KeyValuePair<string, long>> overwritten) = ledger.Expected();
        var lost = new List<string>();
        using Connection connection = await Connection.OpenAsync(node.Port);
        foreach (KeyValuePair<string, string>[] batch in unique.Chunk(100))
        {
            Dictionary<string, string> found = await connection.GetAsync([.. batch.Select(p => p.Key)]);
            lost.AddRange(batch.Where(p => found.GetValueOrDefault(p.Key) != p.Value).Select(p => p.Key));
        }
        Dictionary<string, string> latest = await connection.GetAsync([.. overwritten.Select(p => p.Key)]);
        lost.AddRange(overwritten.Where(p => !latest.TryGetValue(p.Key, out string? value) || !ledger.Acceptable(p.Key, p.Value, value)).Select(p => p.Key));
        return (unique.Count + overwritten.Count, lost);
    }

    private sealed class Connection : IDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private readonly StreamReader _reader;

        private Connection(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
            _reader = new StreamReader(_stream, Encoding.ASCII);
        }

        public static async Task<Connection> OpenAsync(int port)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                using var limit = new CancellationTokenSource(RequestLimit);
                await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                return new Connection(client);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public async Task<string> RequestLineAsync(string request)
        {
            using var limit = new CancellationTokenSource(RequestLimit);
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(request), limit.Token);
            return await _reader.ReadLineAsync(limit.Token) ?? throw new IOException("connection closed");
        }

        public async Task<Dictionary<string, string>> GetAsync(string[] keys)
        {
            using var limit = new CancellationTokenSource(RequestLimit);
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"get {string.Join(' ', keys)}\r\n"), limit.Token);
            var found = new Dictionary<string, string>();
            while (true)
            {
                string line = await _reader.ReadLineAsync(limit.Token) ?? throw new IOException("connection closed");
                if (line == "END")
                    return found;
                string[] parts = line.Split(' ');
                if (parts.Length != 4 || parts[0] != "VALUE")
                    throw new InvalidDataException($"unexpected reply line: {line}");
                found[parts[1]] = await _reader.ReadLineAsync(limit.Token) ?? throw new IOException("connection closed");
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
            _client.Dispose();
        }
    }
}

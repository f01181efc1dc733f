using Trove.Cluster.Membership;
using Trove.Cluster.Transport;
using Trove.Cluster.Wire;

namespace Trove.Cluster.Tests;

/// <summary>
/// Gossip packets that are truncated, altered or from strangers, sent into a running cluster, with and without a key:
/// each is dropped, the cluster stays converged and still admits a new member, and each sending host is logged at most
/// once per reason however many packets it sends (event 100).
/// </summary>
public sealed class HostileTrafficTests
{
    private const int PacketRefused = 100, HandlerFailed = 105;
    private static readonly byte[] _key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 5 + 1))];
    private static readonly byte[] _otherKey = [.. _key.Select(b => (byte)~b)];

    /// <summary>Envelope header length with the cluster name "trove": version, flags, name length, 5 name bytes.</summary>
    private const int Header = 8;

    private enum Kind { Truncated, Altered, Renamed, Stranger }

    /// <summary>A well-formed packet about an unknown member: if any altered copy got through, "ghost" would appear.</summary>
    private static byte[] Valid(byte[]? key) =>
        new PacketSealer("trove", key).Seal(MessageCodec.Encode(new AliveMessage(9, "ghost", new NodeAddress("10.7.7.7", 7946))));

    /// <summary>Every packet of one kind, deterministic, each a copy of <see cref="Valid"/> spoiled in one way.</summary>
    private static List<byte[]> Spoiled(Kind kind, byte[]? key)
    {
        byte[] valid = Valid(key);
        var packets = new List<byte[]>();
        switch (kind)
        {
            case Kind.Truncated: // every proper prefix, the empty one included
                for (int length = 0; length < valid.Length; length++)
                    packets.Add(valid[..length]);
                break;
            case Kind.Altered:
                // With a key every byte after the header is covered by the tag. Without one, only the structure is
                // checked, so only the frame's type and length bytes are altered: an altered name would be a
                // well-formed message, which is exactly what a key is for (docs/CLUSTER.md).
                int last = key is null ? Header + 3 : valid.Length;
                for (int at = Header; at < last; at++)
                {
                    byte[] packet = (byte[])valid.Clone();
                    packet[at] ^= 0xFF;
                    packets.Add(packet);
                }
                break;
            case Kind.Renamed: // a byte of the cluster name in the header
                for (int at = 3; at < Header; at++)
                {
                    byte[] packet = (byte[])valid.Clone();
                    packet[at] ^= 0x20;
                    packets.Add(packet);
                }
                break;
            case Kind.Stranger: // same cluster name, another key (or a key where the cluster has none)
                for (int i = 0; i < 20; i++)
                    packets.Add(Valid(_otherKey));
                break;
        }
        return packets;
    }

    /// <summary>The reasons each sending host must be logged with, exactly once each.</summary>
    private static string[] Expected(Kind kind, bool keyed) => (kind, keyed) switch
    {
        (Kind.Truncated, true) => ["Malformed", "NotAuthenticated"], // short of the nonce and tag, or of the ciphertext
        (Kind.Truncated, false) => ["Malformed"],
        (Kind.Altered, true) => ["NotAuthenticated"],
        (Kind.Altered, false) => ["Malformed"],
        (Kind.Renamed, _) => ["WrongCluster"],
        (Kind.Stranger, true) => ["NotAuthenticated"],
        (Kind.Stranger, false) => ["EncryptionMismatch"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SpoiledPacketsAreDroppedLoggedOncePerHostAndReasonAndTheClusterKeepsWorking(bool keyed)
    {
        byte[]? key = keyed ? _key : null;
        using var cluster = new TestCluster(21);
        for (int i = 0; i < 3; i++)
            cluster.Add(o => o.SecretKey = key);
        foreach (SwimNode node in cluster.Nodes.Skip(1))
            _ = node.JoinAsync([cluster.Nodes[0].Address]);
        Assert.NotNull(cluster.RunUntil(() => cluster.Nodes.All(n => n.CountIn(MemberState.Alive) == 3), TimeSpan.FromSeconds(30)));
        SwimNode target = cluster.Nodes[0];

        // Two hosts per kind, each sending every spoiled packet of its kind three times over a minute of gossip.
        var senders = new List<(Kind Kind, string Host, IClusterTransport Transport)>();
        foreach (Kind kind in Enum.GetValues<Kind>())
        {
            for (int h = 1; h <= 2; h++)
            {
                string host = $"10.9.{(int)kind + 1}.{h}";
                senders.Add((kind, host, cluster.Network.CreateTransport(new NodeAddress(host, 5000 + h))));
            }
        }
        int sent = 0;
        for (int round = 0; round < 3; round++)
        {
            foreach ((Kind kind, _, IClusterTransport transport) in senders)
            {
                foreach (byte[] packet in Spoiled(kind, key))
                {
                    transport.SendPacket(target.Address, packet);
                    sent++;
                }
            }
            cluster.Run(TimeSpan.FromSeconds(20));
        }

        List<string> refused = [.. cluster.Log.Entries.Where(e => e.Id.Id == PacketRefused).Select(e => e.Message)];
        string[] expected = [.. senders.SelectMany(s => Expected(s.Kind, keyed).Select(reason => $"from {s.Host}:{s.Transport.LocalAddress.Port}: {reason} "))];
        Assert.True(sent > 10 * refused.Count); // many packets, few lines
        Assert.Equal(expected.Length, refused.Count);
        foreach (string line in expected)
            Assert.Single(refused, m => m.Contains(line));

        // Nothing got through, nothing broke, the three are still all alive everywhere and a newcomer still joins.
        Assert.DoesNotContain(cluster.Log.Entries, e => e.Id.Id == HandlerFailed);
        Assert.All(cluster.Nodes, n => Assert.Null(n.Find("ghost")));
        Assert.All(cluster.Nodes, n => Assert.Equal(3, n.CountIn(MemberState.Alive)));
        Assert.All(cluster.Nodes, n => Assert.Equal(1u, n.Incarnation)); // never suspected, so never had to refute
        SwimNode late = cluster.Add(o => o.SecretKey = key);
        Task<NodeAddress> joined = late.JoinAsync([target.Address]);
        Assert.NotNull(cluster.RunUntil(() => cluster.Nodes.All(n => n.CountIn(MemberState.Alive) == 4), TimeSpan.FromSeconds(30)));
        Assert.True(joined.IsCompletedSuccessfully);
    }
}

using Trove.Cluster.Membership;
using Trove.Cluster.Wire;

namespace Trove.Cluster.Tests;

public sealed class CodecTests
{
    private static readonly NodeAddress _a = new("10.0.0.1", 7946);
    private static readonly NodeAddress _b = new("fe80::1", 65535);
    private static readonly byte[] _key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static TheoryData<int> MessageIndexes() => [.. Enumerable.Range(0, AllMessages().Length)];

    private static ClusterMessage[] AllMessages() =>
    [
        new PingMessage(0, "node-b", "node-a", _a),
        new PingMessage(uint.MaxValue, "b", "ä-node", _b),
        new IndirectPingMessage(300, "target", _b, "source", _a),
        new AckMessage(127),
        new AckMessage(128),
        new AliveMessage(7, "n1", _a),
        new AliveMessage(7, "n1", _a, 1_795_000_000_123),
        new SuspectMessage(uint.MaxValue, "n1", "n2"),
        new SuspectMessage(1, "n1", "n2", ulong.MaxValue),
        new DeadMessage(0, "n1", "n1"),
        new DeadMessage(3, "n1", "n2", 128),
        new PushPullMessage(true, [new Member("x", _a, 3, MemberState.Suspect, 1_795_000_000_123), new Member("y", _b, 0, MemberState.Left)]),
        new PushPullMessage(false, []),
        new SettingsMessage("node-a", "partitions=1024 replicas=2"),
        new RefusedMessage("replicas differ (this node 3, cluster 2)"),
        new RefusedMessage(""),
    ];

    [Theory]
    [MemberData(nameof(MessageIndexes))]
    public void EveryMessageRoundTripsThroughAnEncryptedPacket(int index)
    {
        ClusterMessage message = AllMessages()[index];
        var sealer = new PacketSealer("prod", _key);
        byte[] packet = sealer.Seal(MessageCodec.Encode(message));

        Assert.Equal(OpenResult.Ok, sealer.TryOpen(packet, out byte[] payload));
        var decoded = new List<ClusterMessage>();
        Assert.True(MessageCodec.TryDecodeAll(payload, decoded));
        ClusterMessage single = Assert.Single(decoded);
        if (message is PushPullMessage push)
        {
            var back = Assert.IsType<PushPullMessage>(single);
            Assert.Equal(push.Join, back.Join);
            Assert.Equal(push.Members, back.Members);
        }
        else
        {
            Assert.Equal(message, single);
        }
    }

    [Fact]
    public void CompoundPayloadDecodesEveryFrameInOrder()
    {
        var writer = new WireWriter();
        foreach (ClusterMessage m in AllMessages().Where(m => m is not PushPullMessage))
            MessageCodec.Append(writer, m);
        var decoded = new List<ClusterMessage>();

        Assert.True(MessageCodec.TryDecodeAll(writer.Written, decoded));

        Assert.Equal(AllMessages().Where(m => m is not PushPullMessage), decoded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncationOfAPacketIsRefusedWithoutThrowing(bool encrypted)
    {
        var sealer = new PacketSealer("prod", encrypted ? _key : null);
        var writer = new WireWriter();
        MessageCodec.Append(writer, new PingMessage(9, "b", "a", _a));
        MessageCodec.Append(writer, new AliveMessage(2, "c", _b));
        byte[] packet = sealer.Seal(writer.Written);

        for (int length = 0; length < packet.Length; length++)
        {
            OpenResult result = sealer.TryOpen(packet.AsSpan(0, length), out byte[] payload);
            var decoded = new List<ClusterMessage>();
            // Clear packets cut on a frame boundary are still valid frames; anything else must be refused.
            bool accepted = result == OpenResult.Ok && MessageCodec.TryDecodeAll(payload, decoded);
            if (accepted)
                Assert.False(encrypted, $"encrypted prefix of {length} bytes accepted");
            if (accepted)
                Assert.Single(decoded);
        }
    }

    [Fact]
    public void RandomAndMutatedBytesNeverThrow()
    {
        var random = new Random(42);
        var sealer = new PacketSealer("prod", null);
        byte[] valid = sealer.Seal(MessageCodec.Encode(new PushPullMessage(true, [new Member("x", _a, 3, MemberState.Alive)])));
        for (int i = 0; i < 20_000; i++)
        {
            byte[] data = i % 2 == 0 ? new byte[random.Next(0, 64)] : (byte[])valid.Clone();
            if (i % 2 == 0)
                random.NextBytes(data);
            else
                data[random.Next(data.Length)] = (byte)random.Next(256);
            if (sealer.TryOpen(data, out byte[] payload) == OpenResult.Ok)
                MessageCodec.TryDecodeAll(payload, []);
        }
    }

    [Fact]
    public void ForgedPushPullCountIsRefused()
    {
        var writer = new WireWriter();
        writer.Byte((byte)MessageType.PushPull);
        writer.UInt16(6);
        writer.Byte(0);
        writer.VarUInt(uint.MaxValue); // claims four billion members in a 6-byte body

        Assert.False(MessageCodec.TryDecodeAll(writer.Written, []));
    }

    [Fact]
    public void BodyWithTrailingBytesIsRefused()
    {
        byte[] frame = MessageCodec.Encode(new AckMessage(1));
        byte[] longer = [frame[0], 0, (byte)(frame.Length - 3 + 1), .. frame.AsSpan(3), 0];

        Assert.False(MessageCodec.TryDecodeAll(longer, []));
    }

    [Fact]
    public void PacketOfAnotherClusterIsRefused()
    {
        byte[] packet = new PacketSealer("staging", null).Seal(MessageCodec.Encode(new AckMessage(1)));

        Assert.Equal(OpenResult.WrongCluster, new PacketSealer("prod", null).TryOpen(packet, out _));
    }

    [Fact]
    public void PacketUnderAnotherKeyDoesNotAuthenticate()
    {
        byte[] otherKey = [.. _key.Reverse()];
        byte[] packet = new PacketSealer("prod", otherKey).Seal(MessageCodec.Encode(new AckMessage(1)));

        Assert.Equal(OpenResult.NotAuthenticated, new PacketSealer("prod", _key).TryOpen(packet, out _));
    }

    [Fact]
    public void FlippingAnyByteOfAnEncryptedPacketIsDetected()
    {
        var sealer = new PacketSealer("prod", _key);
        byte[] packet = sealer.Seal(MessageCodec.Encode(new AliveMessage(5, "n", _a)));
        for (int i = 0; i < packet.Length; i++)
        {
            byte[] forged = (byte[])packet.Clone();
            forged[i] ^= 0x01;
            Assert.NotEqual(OpenResult.Ok, sealer.TryOpen(forged, out _));
        }
    }

    [Fact]
    public void ClearPacketIsRefusedWhenAKeyIsRequiredAndViceVersa()
    {
        byte[] clear = new PacketSealer("prod", null).Seal(MessageCodec.Encode(new AckMessage(1)));
        byte[] sealedPacket = new PacketSealer("prod", _key).Seal(MessageCodec.Encode(new AckMessage(1)));

        Assert.Equal(OpenResult.EncryptionMismatch, new PacketSealer("prod", _key).TryOpen(clear, out _));
        Assert.Equal(OpenResult.EncryptionMismatch, new PacketSealer("prod", null).TryOpen(sealedPacket, out _));
    }

    [Fact]
    public void VarUIntRejectsMoreThan32Bits()
    {
        byte[] tooLong = [0xFF, 0xFF, 0xFF, 0xFF, 0x1F];
        var reader = new WireReader(tooLong);

        Assert.False(reader.TryVarUInt(out _));
    }

    [Fact]
    public void PacketSizesAreTheOnesDocsClusterMdGives()
    {
        var address = new NodeAddress("10.0.0.43", 7946);
        var clear = new PacketSealer("trove", null);
        var sealedSealer = new PacketSealer("trove", _key);

        Assert.Equal(8, clear.Overhead);
        Assert.Equal(36, sealedSealer.Overhead);
        Assert.Equal(42, clear.Seal(MessageCodec.Encode(new PingMessage(5, "node-042", "node-007", address))).Length);
        Assert.Equal(12, clear.Seal(MessageCodec.Encode(new AckMessage(5))).Length);
        Assert.Equal(31, MessageCodec.Encode(new AliveMessage(1, "node-042", address, Generation: 1_795_000_000_000)).Length);
        Assert.Equal(39, MessageCodec.Encode(new SettingsMessage("node-042", new ClusterOptions().Compatibility)).Length);
    }
}

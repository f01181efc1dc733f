using Trove.Cluster.Membership;

namespace Trove.Cluster.Wire;

/// <summary>
/// Frames and bodies of docs/CLUSTER.md: a payload is one or more frames, each
/// <c>type:u8 length:u16be body</c>. A frame's body must be consumed exactly; anything else rejects the payload.
/// </summary>
internal static class MessageCodec
{
    /// <summary>Frame header: type byte and u16 length.</summary>
    public const int FrameOverhead = 3;

    /// <summary>Encodes one framed message.</summary>
    public static byte[] Encode(ClusterMessage message)
    {
        var writer = new WireWriter();
        Append(writer, message);
        return writer.ToArray();
    }

    /// <summary>Appends one framed message to <paramref name="writer"/>.</summary>
    public static void Append(WireWriter writer, ClusterMessage message)
    {
        writer.Byte((byte)message.Type);
        int lengthAt = writer.Length;
        writer.UInt16(0);
        int bodyStart = writer.Length;
        WriteBody(writer, message);
        int bodyLength = writer.Length - bodyStart;
        if (bodyLength > ushort.MaxValue)
            throw new InvalidOperationException("message body longer than 65535 bytes");
        writer.PatchUInt16(lengthAt, bodyLength);
    }

    /// <summary>Decodes every frame of <paramref name="payload"/>; false (and nothing added) when any frame is malformed.</summary>
    public static bool TryDecodeAll(ReadOnlySpan<byte> payload, List<ClusterMessage> into)
    {
        var decoded = new List<ClusterMessage>();
        var reader = new WireReader(payload);
        if (reader.End)
            return false;
        while (!reader.End)
        {
            if (!reader.TryByte(out byte type) || !reader.TryUInt16(out int length) || !reader.TrySlice(length, out ReadOnlySpan<byte> body))
                return false;
            if (!TryDecodeBody((MessageType)type, body, out ClusterMessage? message))
                return false;
            decoded.Add(message);
        }
        into.AddRange(decoded);
        return true;
    }

    private static void WriteBody(WireWriter w, ClusterMessage message)
    {
        switch (message)
        {
            case PingMessage m:
                w.VarUInt(m.Seq); w.String(m.Target); w.String(m.Source); w.Address(m.SourceAddress);
                break;
            case IndirectPingMessage m:
                w.VarUInt(m.Seq); w.String(m.Target); w.Address(m.TargetAddress); w.String(m.Source); w.Address(m.SourceAddress);
                break;
            case AckMessage m:
                w.VarUInt(m.Seq);
                break;
            case AliveMessage m:
                w.VarUInt(m.Incarnation); w.String(m.Node); w.Address(m.Address); w.VarULong(m.Generation);
                break;
            case SuspectMessage m:
                w.VarUInt(m.Incarnation); w.String(m.Node); w.String(m.From); w.VarULong(m.Generation);
                break;
            case DeadMessage m:
                w.VarUInt(m.Incarnation); w.String(m.Node); w.String(m.From); w.VarULong(m.Generation);
                break;
            case PushPullMessage m:
                w.Byte(m.Join ? (byte)1 : (byte)0);
                w.VarUInt((uint)m.Members.Count);
                foreach (Member member in m.Members)
                {
                    w.String(member.Name); w.Address(member.Address); w.VarUInt(member.Incarnation); w.Byte((byte)member.State); w.VarULong(member.Generation);
                }
                break;
            case SettingsMessage m:
                w.String(m.Node); w.String(m.Compatibility);
                break;
            case RefusedMessage m:
                w.String(m.Reason);
                break;
            default:
                throw new ArgumentException($"no encoding for {message.GetType().Name}", nameof(message));
        }
    }

    private static bool TryDecodeBody(MessageType type, ReadOnlySpan<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClusterMessage? message)
    {
        message = null;
        var r = new WireReader(body);
        switch (type)
        {
            case MessageType.Ping:
                if (r.TryVarUInt(out uint seq) && r.TryString(out string target) && r.TryString(out string source) && r.TryAddress(out NodeAddress sourceAddress))
                    message = new PingMessage(seq, target, source, sourceAddress);
                break;
            case MessageType.IndirectPing:
                if (r.TryVarUInt(out seq) && r.TryString(out target) && r.TryAddress(out NodeAddress targetAddress)
                    && r.TryString(out source) && r.TryAddress(out sourceAddress))
                    message = new IndirectPingMessage(seq, target, targetAddress, source, sourceAddress);
                break;
            case MessageType.Ack:
                if (r.TryVarUInt(out seq))
                    message = new AckMessage(seq);
                break;
            case MessageType.Alive:
                if (r.TryVarUInt(out uint incarnation) && r.TryString(out string node) && r.TryAddress(out NodeAddress address)
                    && r.TryVarULong(out ulong generation))
                    message = new AliveMessage(incarnation, node, address, generation);
                break;
            case MessageType.Suspect:
                if (r.TryVarUInt(out incarnation) && r.TryString(out node) && r.TryString(out string from) && r.TryVarULong(out generation))
                    message = new SuspectMessage(incarnation, node, from, generation);
                break;
            case MessageType.Dead:
                if (r.TryVarUInt(out incarnation) && r.TryString(out node) && r.TryString(out from) && r.TryVarULong(out generation))
                    message = new DeadMessage(incarnation, node, from, generation);
                break;
            case MessageType.PushPull:
                message = TryDecodePushPull(ref r);
                break;
            case MessageType.Settings:
                if (r.TryString(out node) && r.TryString(out string compatibility) && node.Length > 0)
                    message = new SettingsMessage(node, compatibility);
                break;
            case MessageType.Refused:
                if (r.TryString(out string reason))
                    message = new RefusedMessage(reason);
                break;
        }
        // A body with bytes left over is as malformed as a short one: the sender and we disagree on the format.
        return message is not null && r.End;
    }

    private static PushPullMessage? TryDecodePushPull(ref WireReader r)
    {
        if (!r.TryByte(out byte join) || join > 1 || !r.TryVarUInt(out uint count))
            return null;
        // Each member needs at least 5 bytes, so a forged count cannot make us allocate more than the body allows.
        var members = new List<Member>((int)Math.Min(count, 4096));
        for (uint i = 0; i < count; i++)
        {
            if (!r.TryString(out string name) || !r.TryAddress(out NodeAddress address) || !r.TryVarUInt(out uint incarnation)
                || !r.TryByte(out byte state) || state > (byte)MemberState.Left || name.Length == 0
                || !r.TryVarULong(out ulong generation))
                return null;
            members.Add(new Member(name, address, incarnation, (MemberState)state, generation));
        }
        return new PushPullMessage(join == 1, members);
    }
}

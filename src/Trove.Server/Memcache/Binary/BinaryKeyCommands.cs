using System.Buffers;
using System.Buffers.Binary;
using Trove.Protocol.Binary;
using Trove.Storage;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// The binary commands on one key without a value: get/getk/touch/gat/gatk (and their quiet forms), delete and
/// incr/decr. They use the engine calls of the text commands, so an item reads back the same over either protocol.
/// </summary>
internal static class BinaryKeyCommands
{
    /// <summary>memcached's process_bin_get_or_touch.</summary>
    public static BinaryNext GetOrTouch(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, IBufferWriter<byte> output)
    {
        BinaryOpcode command = BinaryOpcodes.Loud(header.Command);
        bool touch = command is BinaryOpcode.Touch or BinaryOpcode.Gat or BinaryOpcode.GatK;
        bool withKey = command is BinaryOpcode.GetK or BinaryOpcode.GatK;
        CacheEngine engine = context.Engine;
        var get = new GetRequest
        {
            Touch = touch,
            NewExpiresAt = touch ? engine.ToExpiry(BinaryPrimitives.ReadUInt32BigEndian(extras)) : 0,
        };
        var reader = new ItemReplyReader(output, header.Opcode, header.Opaque, withKey, withValue: command != BinaryOpcode.Touch);
        GetStatus status = engine.Get(key, in get, ref reader);
        context.Counters.Add(touch ? ProtocolCounter.CmdTouch : ProtocolCounter.CmdGet);
        context.PrefixStats.RecordGet(key, status == GetStatus.Hit);
        if (status == GetStatus.ValueUnavailable)
        {
            // memcached's binary protocol has no "server error" status closer than a temporary failure.
            BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.TemporaryFailure, header.Opaque);
            return BinaryNext.Send;
        }

        if (status == GetStatus.Hit || BinaryOpcodes.IsQuiet(header.Command))
        {
            return BinaryNext.Continue; // a quiet miss says nothing
        }
        if (withKey)
        {
            BinaryResponseWriter.WriteKeyMiss(output, header.Opcode, header.Opaque, key);
            return BinaryNext.Continue;
        }
        BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.KeyNotFound, header.Opaque);
        return BinaryNext.Send;
    }

    /// <summary>memcached's process_bin_delete: a non-zero CAS must match the item's.</summary>
    public static BinaryNext Delete(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> key, IBufferWriter<byte> output)
    {
        context.PrefixStats.RecordDelete(key);
        var delete = new DeleteRequest { HasCompareCas = header.Cas != 0, CompareCas = header.Cas };
        DeleteStatus status = context.Engine.Delete(key, in delete);
        return status switch
        {
            DeleteStatus.Deleted => Success(in header, output),
            DeleteStatus.Exists => Error(in header, BinaryStatus.KeyExists, output),
            _ => Error(in header, BinaryStatus.KeyNotFound, output),
        };
    }

    /// <summary>
    /// memcached's complete_incr_bin. Extras: delta (8), initial value (8), expiration (4). A miss creates the item with
    /// the initial value unless the expiration is 0xffffffff; the reply carries the new value and the item's CAS.
    /// </summary>
    public static BinaryNext Arithmetic(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, IBufferWriter<byte> output)
    {
        uint expiration = BinaryPrimitives.ReadUInt32BigEndian(extras[16..]);
        bool create = expiration != uint.MaxValue;
        var arithmetic = new ArithmeticRequest
        {
            Increment = BinaryOpcodes.Loud(header.Command) == BinaryOpcode.Increment,
            Delta = BinaryPrimitives.ReadUInt64BigEndian(extras),
            HasCompareCas = header.Cas != 0,
            CompareCas = header.Cas,
            Vivify = create,
            InitialValue = BinaryPrimitives.ReadUInt64BigEndian(extras[8..]),
            VivifyExpiresAt = create ? context.Engine.ToExpiry(expiration) : 0,
        };
        ArithmeticResult result = context.Engine.Arithmetic(key, in arithmetic);
        switch (result.Status)
        {
            case ArithmeticStatus.Ok or ArithmeticStatus.Vivified:
                if (!BinaryOpcodes.IsQuiet(header.Command))
                {
                    ulong value = result.Status == ArithmeticStatus.Vivified ? arithmetic.InitialValue : result.Value;
                    BinaryResponseWriter.WriteCounter(output, header.Opcode, header.Opaque, result.Cas, value);
                }
                return BinaryNext.Continue;
            case ArithmeticStatus.NonNumeric:
                return Error(in header, BinaryStatus.NonNumeric, output);
            case ArithmeticStatus.Exists:
                return Error(in header, BinaryStatus.KeyExists, output);
            case ArithmeticStatus.OutOfMemory:
                return Error(in header, BinaryStatus.OutOfMemory, output);
            default:
                return Error(in header, BinaryStatus.KeyNotFound, output);
        }
    }

    /// <summary>An empty success reply, left out for a quiet command.</summary>
    public static BinaryNext Success(in BinaryHeader header, IBufferWriter<byte> output, ulong cas = 0)
    {
        if (!BinaryOpcodes.IsQuiet(header.Command))
        {
            BinaryResponseWriter.WriteEmpty(output, header.Opcode, header.Opaque, cas);
        }
        return BinaryNext.Continue;
    }

    /// <summary>An error reply: sent even for quiet commands, and memcached sends what it holds with it.</summary>
    public static BinaryNext Error(in BinaryHeader header, BinaryStatus status, IBufferWriter<byte> output)
    {
        BinaryResponseWriter.WriteError(output, header.Opcode, status, header.Opaque);
        return BinaryNext.Send;
    }

    /// <summary>Copies a hit straight from the engine (under its stripe lock) into the reply.</summary>
    private readonly struct ItemReplyReader(IBufferWriter<byte> output, byte opcode, uint opaque, bool withKey, bool withValue) : IItemReader
    {
        public void Read(in ItemView item) =>
            BinaryResponseWriter.WriteItem(output, opcode, opaque, item.Cas, item.Flags, withKey ? item.Key : default, withValue ? item.Value : default);
    }
}

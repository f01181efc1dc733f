using System.Buffers;
using System.Buffers.Binary;
using Trove.Protocol.Binary;
using Trove.Storage;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// set/add/replace (extras: flags, expiration) and append/prepend (no extras), quiet or not: admitted once extras and
/// key are in (memcached's process_bin_update / process_bin_append_prepend), stored once the value has arrived
/// (complete_update_bin). A non-zero request CAS turns set/add/replace into cas and makes append/prepend conditional.
/// </summary>
internal static class BinaryStorage
{
    /// <summary>The value length memcached computes: an int, so a body length beyond 2^31 comes out negative.</summary>
    public static int ValueLength(in BinaryHeader header) => unchecked((int)(header.BodyLength - header.KeyLength - header.ExtrasLength));

    /// <summary>
    /// Whether the value can be accepted. When it cannot, the "Too large." reply is written and <paramref name="swallow"/>
    /// is how many value bytes to discard (none when the length came out negative, as in memcached).
    /// </summary>
    public static bool Admit(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, IBufferWriter<byte> output, out int swallow)
    {
        swallow = 0;
        BinaryOpcode command = BinaryOpcodes.Loud(header.Command);
        int length = ValueLength(in header);
        uint flags = IsConcatenation(command) ? 0 : BinaryPrimitives.ReadUInt32BigEndian(extras);
        context.PrefixStats.RecordSet(key);
        if (length >= 0 && context.Engine.ItemFits(key.Length, length, flags))
        {
            if (context.Store?.RefusingWrites is null)
                return true;
            // Store mode after a log failure: refused before anything changes (text answers SERVER_ERROR).
            BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.TemporaryFailure, header.Opaque);
            swallow = length;
            return false;
        }

        // Unlike text, memcached's binary path does not count store_too_large here.
        BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.TooLarge, header.Opaque);
        swallow = Math.Max(length, 0);
        if (command == BinaryOpcode.Set)
        {
            // A refused set must not leave the old value readable; memcached unlinks it without counting a delete.
            context.Engine.Delete(key, new DeleteRequest { Uncounted = true });
        }
        return false;
    }

    public static BinaryNext Complete(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> extras, ReadOnlySpan<byte> key, in ReadOnlySequence<byte> value, IBufferWriter<byte> output)
    {
        BinaryOpcode command = BinaryOpcodes.Loud(header.Command);
        bool concatenation = IsConcatenation(command);
        bool hasCas = header.Cas != 0;
        StoreMode mode = command switch
        {
            BinaryOpcode.Append => StoreMode.Append,
            BinaryOpcode.Prepend => StoreMode.Prepend,
            _ when hasCas => StoreMode.Cas,
            BinaryOpcode.Add => StoreMode.Add,
            BinaryOpcode.Replace => StoreMode.Replace,
            _ => StoreMode.Set,
        };
        var store = new StoreRequest
        {
            Mode = mode,
            Flags = concatenation ? 0 : BinaryPrimitives.ReadUInt32BigEndian(extras),
            ExpiresAt = concatenation ? 0 : context.Engine.ToExpiry(BinaryPrimitives.ReadUInt32BigEndian(extras[4..])),
            HasCompareCas = hasCas,
            CompareCas = header.Cas,
        };
        StoreResult result = context.Engine.Store(key, in value, in store);
        switch (result.Status)
        {
            case StoreStatus.Stored:
                return BinaryKeyCommands.Success(in header, output, result.Cas);
            case StoreStatus.Exists:
                return BinaryKeyCommands.Error(in header, BinaryStatus.KeyExists, output);
            case StoreStatus.NotFound:
                return BinaryKeyCommands.Error(in header, BinaryStatus.KeyNotFound, output);
            case StoreStatus.OutOfMemory:
                // memcached fails the allocation before it reads the value and answers ENOMEM (its text, no counter).
                return BinaryKeyCommands.Error(in header, BinaryStatus.OutOfMemory, output);
            default:
                // Not stored, or too large (an append outgrowing the limit), worded by the command as memcached does.
                BinaryStatus status = mode switch
                {
                    StoreMode.Add => BinaryStatus.KeyExists,
                    StoreMode.Replace => BinaryStatus.KeyNotFound,
                    _ => BinaryStatus.NotStored,
                };
                return BinaryKeyCommands.Error(in header, status, output);
        }
    }

    private static bool IsConcatenation(BinaryOpcode command) => command is BinaryOpcode.Append or BinaryOpcode.Prepend;
}

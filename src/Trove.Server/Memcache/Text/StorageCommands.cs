using System.Buffers;
using Trove.Protocol.Text;
using Trove.Server.Store;
using Trove.Storage;

namespace Trove.Server.Memcache.Text;

/// <summary>set, add, replace, append, prepend and cas: admitted on their line, executed once their data block is complete.</summary>
internal static class StorageCommands
{
    /// <summary>
    /// Decides on the command line alone whether the value can be accepted (memcached's item_alloc in
    /// process_update_command). When it cannot, the reply is written and the caller must discard the data block.
    /// </summary>
    public static bool Admit(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> key = request.Key.Of(line);
        context.PrefixStats.RecordSet(key);
        if (context.Engine.ItemFits(key.Length, request.DataLength, request.Flags))
        {
            return true;
        }

        context.Counters.Add(ProtocolCounter.StoreTooLarge);
        output.Reply(in request, TextReplies.TooLarge);
        if (request.Command == MemcacheCommand.Set)
        {
            // memcached drops the old value rather than let a failed set leave stale data behind. (It does so
            // without counting a delete; the engine's Delete counts one, a harmless difference in delete_hits.)
            context.Engine.Delete(key, default);
        }
        return false;
    }

    /// <summary>Stores the value once the whole data block (value and its "\r\n") has arrived.</summary>
    public static void Complete(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, in ReadOnlySequence<byte> block, IBufferWriter<byte> output)
    {
        Span<byte> terminator = stackalloc byte[2];
        block.Slice(request.DataLength).CopyTo(terminator);
        if (!terminator.SequenceEqual("\r\n"u8))
        {
            output.Reply(in request, TextReplies.BadDataChunk);
            return;
        }

        ReadOnlySpan<byte> refusal = WriteRefusal.For(context);
        if (!refusal.IsEmpty)
        {
            output.Write(refusal); // store mode with a failed log: nothing is stored that could not be logged
            return;
        }

        var store = new StoreRequest
        {
            Mode = ModeOf(request.Command),
            Flags = request.Flags,
            ExpiresAt = context.Engine.ToExpiry(request.Exptime),
            HasCompareCas = request.Command == MemcacheCommand.Cas,
            CompareCas = request.CasUnique,
        };
        StoreResult result = context.Engine.Store(request.Key.Of(line), block.Slice(0, request.DataLength), in store);
        output.Reply(in request, result.Status switch
        {
            StoreStatus.Stored => TextReplies.Stored,
            StoreStatus.Exists => TextReplies.Exists,
            StoreStatus.NotFound => TextReplies.NotFound,
            // memcached answers NOT_STORED when append/prepend would outgrow the item size limit.
            StoreStatus.TooLarge when store.Mode is StoreMode.Append or StoreMode.Prepend => TextReplies.NotStored,
            StoreStatus.TooLarge => CountTooLarge(context),
            StoreStatus.OutOfMemory => CountOutOfMemory(context),
            _ => TextReplies.NotStored,
        });
    }

    private static ReadOnlySpan<byte> CountTooLarge(ServerContext context)
    {
        context.Counters.Add(ProtocolCounter.StoreTooLarge);
        return TextReplies.TooLarge;
    }

    private static ReadOnlySpan<byte> CountOutOfMemory(ServerContext context)
    {
        context.Counters.Add(ProtocolCounter.StoreNoMemory);
        return TextReplies.OutOfMemoryStoring;
    }

    private static StoreMode ModeOf(MemcacheCommand command) => command switch
    {
        MemcacheCommand.Add => StoreMode.Add,
        MemcacheCommand.Replace => StoreMode.Replace,
        MemcacheCommand.Append => StoreMode.Append,
        MemcacheCommand.Prepend => StoreMode.Prepend,
        MemcacheCommand.Cas => StoreMode.Cas,
        _ => StoreMode.Set,
    };
}

using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>ms: store a value, with the set/add/replace/append/prepend/cas behaviours chosen by flags.</summary>
internal static class MetaSet
{
    /// <summary>
    /// Judges the line before the data arrives. Errors found once the data length is known swallow the data,
    /// earlier ones do not (memcached then reads the data as commands). A value too large for the cache is
    /// refused here and, as memcached does for ms, any existing item under the key is removed so a stale value
    /// does not outlive the failed store.
    /// </summary>
    public static long Frame(ReadOnlySpan<byte> line, ServerContext context, IBufferWriter<byte> output, out bool rejected)
    {
        byte[]? rented = MetaKeyBuffer.RentFor(line, context.MaxKeyLength);
        Span<byte> keyBuffer = rented ?? stackalloc byte[MetaRequest.KeyBufferLength];
        try
        {
            return Frame(line, keyBuffer, context, output, out rejected);
        }
        finally
        {
            MetaKeyBuffer.Return(rented);
        }
    }

    private static long Frame(ReadOnlySpan<byte> line, Span<byte> keyBuffer, ServerContext context, IBufferWriter<byte> output, out bool rejected)
    {
        MetaRequest request = MetaCommandParser.Parse(line, keyBuffer, context.MaxKeyLength);
        long dataBytes = request.DataLength >= 0 ? request.DataLength + 2L : 0;
        if (request.Error != MetaParseError.None)
        {
            output.Write(MetaParseErrors.Reply(request.Error));
            rejected = true;
            return dataBytes;
        }
        CacheEngine engine = context.Engine;
        if (!engine.ItemFits(request.Key.Length, request.DataLength, request.ClientFlags))
        {
            context.Counters.Add(ProtocolCounter.StoreTooLarge);
            // memcached unlinks the old item without counting a delete; the engine's Delete counts one.
            engine.Delete(request.Key, default);
            output.Write(MetaReplies.TooLarge);
            rejected = true;
            return dataBytes;
        }
        rejected = false;
        return dataBytes;
    }

    public static void Execute(scoped in MetaRequest request, in ReadOnlySequence<byte> data, ServerContext context, IBufferWriter<byte> output)
    {
        if (!HasValidTerminator(data, request.DataLength))
        {
            // Reported even in quiet mode.
            output.Write(MetaReplies.BadDataChunk);
            return;
        }
        CacheEngine engine = context.Engine;
        StoreRequest store = BuildStoreRequest(request, engine);
        StoreResult result = engine.Store(request.Key, data.Slice(0, request.DataLength), store);

        ReadOnlySpan<byte> status;
        switch (result.Status)
        {
            case StoreStatus.Stored:
                if (request.Has(MetaFlags.Quiet))
                {
                    return;
                }
                status = MetaReplies.Hd;
                break;
            case StoreStatus.NotStored:
                status = MetaReplies.Ns;
                break;
            case StoreStatus.Exists:
                status = MetaReplies.Ex;
                break;
            case StoreStatus.NotFound:
                status = MetaReplies.Nf;
                break;
            case StoreStatus.TooLarge:
                context.Counters.Add(ProtocolCounter.StoreTooLarge);
                output.Write(MetaReplies.TooLarge);
                return;
            default:
                context.Counters.Add(ProtocolCounter.StoreNoMemory);
                output.Write(MetaReplies.OutOfMemoryStoring);
                return;
        }

        MetaLineWriter line = MetaReplies.BeginLine(output, request.Key.Length);
        line.Append(status);
        foreach (ReadOnlySpan<byte> token in new MetaTokens(request.FlagTokens))
        {
            switch (token[0])
            {
                case (byte)'O':
                    line.AppendSpace();
                    line.Append(token);
                    break;
                case (byte)'k':
                    line.AppendKey(request.Key, request.Has(MetaFlags.Base64Key));
                    break;
                case (byte)'c':
                    // memcached returns 0 unless the item was stored.
                    line.AppendFlag((byte)'c');
                    line.AppendNumber(result.Status == StoreStatus.Stored ? result.Cas : 0UL);
                    break;
            }
        }
        MetaReplies.EndLine(output, ref line);
    }

    // Maps the M mode and C/I flags to a store request the way memcached's mset does: a compare CAS turns set and
    // replace into cas; append and prepend check a non-zero CAS; add ignores it. I only matters for cas.
    private static StoreRequest BuildStoreRequest(scoped in MetaRequest request, CacheEngine engine)
    {
        StoreMode mode = request.Mode switch
        {
            (byte)'E' => StoreMode.Add,
            (byte)'A' => StoreMode.Append,
            (byte)'P' => StoreMode.Prepend,
            (byte)'R' => StoreMode.Replace,
            _ => StoreMode.Set,
        };
        var store = new StoreRequest
        {
            Flags = request.ClientFlags,
            ExpiresAt = request.Has(MetaFlags.Ttl) ? engine.ToExpiry(request.Ttl) : 0,
            BinaryKey = request.Has(MetaFlags.Base64Key),
        };
        if (request.Has(MetaFlags.CompareCas))
        {
            if (mode is StoreMode.Set or StoreMode.Replace)
            {
                mode = StoreMode.Cas;
                store.HasCompareCas = true;
                store.CompareCas = request.CompareCas;
                store.Invalidate = request.Has(MetaFlags.Invalidate);
            }
            else if (mode is StoreMode.Append or StoreMode.Prepend && request.CompareCas != 0)
            {
                store.HasCompareCas = true;
                store.CompareCas = request.CompareCas;
            }
        }
        store.Mode = mode;
        return store;
    }

    private static bool HasValidTerminator(in ReadOnlySequence<byte> data, int dataLength)
    {
        if (data.Length != dataLength + 2L)
        {
            return false;
        }
        Span<byte> terminator = stackalloc byte[2];
        data.Slice(dataLength).CopyTo(terminator);
        return terminator[0] == '\r' && terminator[1] == '\n';
    }
}

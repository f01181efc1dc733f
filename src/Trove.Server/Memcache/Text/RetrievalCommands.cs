using System.Buffers;
using Trove.Protocol.Text;
using Trove.Storage;

namespace Trove.Server.Memcache.Text;

/// <summary>get, gets, gat, gats and bget over any number of keys.</summary>
internal static class RetrievalCommands
{
    /// <summary>
    /// Looks up every key and writes the values and END, or only the error when <paramref name="overlongKey"/> (from
    /// <see cref="IndexOfOverlongKey"/>) is not -1.
    /// </summary>
    public static void Execute(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output, int overlongKey)
    {
        CacheEngine engine = context.Engine;
        bool touch = request.Command is MemcacheCommand.Gat or MemcacheCommand.Gats;
        var get = new GetRequest
        {
            Touch = touch,
            NewExpiresAt = touch ? engine.ToExpiry(request.Exptime) : 0,
        };

        // A key over 250 bytes fails the whole command: memcached still looks up (and counts) the keys before it,
        // then throws away the values it had produced and answers only the error.
        var reader = new ValueReplyReader(output, withCas: request.Command is MemcacheCommand.Gets or MemcacheCommand.Gats, discard: overlongKey >= 0);
        ProtocolCounter counter = touch ? ProtocolCounter.CmdTouch : ProtocolCounter.CmdGet;
        int index = 0;
        foreach (TextToken token in new TextKeyEnumerator(line, request.KeysStart))
        {
            if (index++ == overlongKey)
            {
                output.Write(TextReplies.BadCommandLineFormat);
                return;
            }
            ReadOnlySpan<byte> key = token.Of(line);
            GetStatus status = engine.Get(key, in get, ref reader);
            context.Counters.Add(counter);
            context.PrefixStats.RecordGet(key, status == GetStatus.Hit);
            if (status == GetStatus.ValueUnavailable)
            {
                // A value on disk that could not be read: the values before it stand, the reply ends with the error.
                output.Write(TextReplies.ValueUnavailable);
                return;
            }
        }
        output.Write(TextReplies.End);
    }

    /// <summary>Position (in key order) of the first key longer than memcached allows, or -1.</summary>
    public static int IndexOfOverlongKey(ReadOnlySpan<byte> line, int keysStart)
    {
        if (line.Length - keysStart <= TextRequest.MaxKeyLength)
        {
            return -1; // no room for an overlong key: skip the scan
        }
        int index = 0;
        foreach (TextToken token in new TextKeyEnumerator(line, keysStart))
        {
            if (token.Length > TextRequest.MaxKeyLength)
            {
                return index;
            }
            index++;
        }
        return -1;
    }

    /// <summary>Copies a hit straight from the engine (under its stripe lock) into the reply.</summary>
    private readonly struct ValueReplyReader(IBufferWriter<byte> output, bool withCas, bool discard) : IItemReader
    {
        public void Read(in ItemView item)
        {
            if (!discard)
            {
                TextReplyWriter.WriteValue(output, item.Key, item.Flags, item.Value, withCas, item.Cas);
            }
        }
    }
}

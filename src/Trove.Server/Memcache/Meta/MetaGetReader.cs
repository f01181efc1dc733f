using System.Buffers;
using Trove.Protocol.Meta;
using Trove.Storage;

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// Writes an mg hit (the VA/HD line and the value) while the engine holds the item, so the value is copied
/// straight into the output once.
/// </summary>
internal ref struct MetaGetReader : IItemReader
{
    private readonly IBufferWriter<byte> _output;
    private readonly ReadOnlySpan<byte> _flagTokens;
    private readonly ReadOnlySpan<byte> _key;
    private readonly bool _returnValue;
    private readonly uint _now;
    private readonly uint _touchExpiry;
    private readonly uint _vivifyExpiry;

    public MetaGetReader(scoped in MetaRequest request, IBufferWriter<byte> output, uint now, uint touchExpiry, uint vivifyExpiry)
    {
        _output = output;
        _flagTokens = request.FlagTokens;
        _key = request.Key;
        _returnValue = request.Has(MetaFlags.ReturnValue);
        _now = now;
        _touchExpiry = touchExpiry;
        _vivifyExpiry = vivifyExpiry;
    }

    public readonly void Read(in ItemView item)
    {
        var ttl = new MetaTtlWalk(item.TtlRemainingBeforeTouch, item.Vivified, _touchExpiry, _vivifyExpiry, _now);

        MetaLineWriter line = MetaReplies.BeginLine(_output, _key.Length);
        if (_returnValue)
        {
            line.Append(MetaReplies.Va);
            line.AppendNumber((ulong)item.Value.Length);
        }
        else
        {
            line.Append(MetaReplies.Hd);
        }
        foreach (ReadOnlySpan<byte> token in new MetaTokens(_flagTokens))
        {
            ttl.See(token[0]);
            switch (token[0])
            {
                case (byte)'s':
                    line.AppendFlag((byte)'s');
                    line.AppendNumber((ulong)item.Value.Length);
                    break;
                case (byte)'t':
                    line.AppendFlag((byte)'t');
                    MetaReplies.AppendTtl(ref line, ttl.Current);
                    break;
                case (byte)'c':
                    line.AppendFlag((byte)'c');
                    line.AppendNumber(item.Cas);
                    break;
                case (byte)'f':
                    line.AppendFlag((byte)'f');
                    line.AppendNumber((ulong)item.Flags);
                    break;
                case (byte)'l':
                    line.AppendFlag((byte)'l');
                    line.AppendNumber((ulong)item.SecondsSinceLastAccess);
                    break;
                case (byte)'h':
                    line.AppendFlag((byte)'h');
                    line.Append(item.FetchedBefore ? "1"u8 : "0"u8);
                    break;
                case (byte)'O':
                    line.AppendSpace();
                    line.Append(token);
                    break;
                case (byte)'k':
                    // memcached echoes a hit's key as the item was stored (ITEM_KEY_BINARY), not as this request sent it.
                    line.AppendKey(_key, item.BinaryKey);
                    break;
            }
        }
        // Z (someone else holds the token) and W (this caller won) never come together.
        if (item.WinTokenSent)
        {
            line.AppendFlag((byte)'Z');
        }
        if (item.Stale)
        {
            line.AppendFlag((byte)'X');
        }
        if (item.Win)
        {
            line.AppendFlag((byte)'W');
        }
        MetaReplies.EndLine(_output, ref line);

        if (_returnValue)
        {
            _output.Write(item.Value);
            _output.Write(MetaReplies.LineEnd);
        }
    }
}

namespace Trove.Server.Memcache.Meta;

/// <summary>
/// The remaining TTL that a meta `t` flag shows at its place in the request: memcached applies T (touch) and N
/// (vivify) in request order while it writes the flags, so a `t` before them shows the item's TTL before the touch,
/// and an item this request created has no expiry until its N is reached.
/// </summary>
internal struct MetaTtlWalk(long ttlBeforeTouch, bool created, uint touchExpiry, uint vivifyExpiry, uint now)
{
    /// <summary>The TTL as of the flags seen so far (-1: never expires).</summary>
    public long Current { get; private set; } = created ? -1 : ttlBeforeTouch;

    /// <summary>Takes a flag into account: T sets the touched TTL; N sets the vivified one on a created item.</summary>
    public void See(byte flag)
    {
        if (flag == (byte)'T')
        {
            Current = MetaReplies.TtlAt(touchExpiry, now);
        }
        else if (flag == (byte)'N' && created)
        {
            Current = MetaReplies.TtlAt(vivifyExpiry, now);
        }
    }
}

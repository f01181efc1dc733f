namespace Trove.Storage;

/// <summary>The background maintainer's entry point.</summary>
public sealed partial class CacheEngine
{
    /// <summary>
    /// One round of background maintenance: the crawler checks up to <paramref name="maxItemsToCheck"/> items and
    /// reclaims expired ones, then memory is rebalanced (see <see cref="RebalanceMemory"/>). The server calls this
    /// from one background task about once a second. Returns the number of items reclaimed.
    /// </summary>
    public int Maintain(int maxItemsToCheck)
    {
        int reclaimed = CrawlExpired(maxItemsToCheck);
        RebalanceMemory();
        return reclaimed;
    }
}

namespace Trove.Bench;

/// <summary>Reply counts of one connection (or, after <see cref="Add"/>, of many).</summary>
internal sealed class ConnectionStats
{
    public long Hits;
    public long Misses;
    public long Stored;
    public long NotStored;
    public long GetErrors;
    public long SetErrors;

    /// <summary>The first error reply seen, to show what went wrong.</summary>
    public string? FirstError;

    public long Gets => Hits + Misses + GetErrors;

    public long Sets => Stored + NotStored + SetErrors;

    public long Operations => Gets + Sets;

    public long Errors => GetErrors + SetErrors;

    public void Add(ConnectionStats other)
    {
        Hits += other.Hits;
        Misses += other.Misses;
        Stored += other.Stored;
        NotStored += other.NotStored;
        GetErrors += other.GetErrors;
        SetErrors += other.SetErrors;
        FirstError ??= other.FirstError;
    }
}

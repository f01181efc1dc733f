namespace Trove.Storage;

/// <summary>
/// Lets several observers share the engine's one <see cref="CacheEngine.ChangeObserver"/> slot (the store-mode log and
/// cluster replication). Each change goes to every observer in the order they were combined, under the same partition
/// lock, so each sees a key's changes in order. Neither observer needs to know about the other.
/// </summary>
public sealed class CompositeChangeObserver : IItemChangeObserver
{
    private readonly IItemChangeObserver _first;
    private readonly IItemChangeObserver _second;

    private CompositeChangeObserver(IItemChangeObserver first, IItemChangeObserver second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>
    /// The observer to install so that both are told: <paramref name="added"/> alone when there is no
    /// <paramref name="existing"/> one (no indirection on the common path), otherwise existing first, then added.
    /// </summary>
    public static IItemChangeObserver Combine(IItemChangeObserver? existing, IItemChangeObserver added)
    {
        ArgumentNullException.ThrowIfNull(added);
        return existing is null ? added : new CompositeChangeObserver(existing, added);
    }

    public void OnItemChanged(int partition, in ItemView item)
    {
        _first.OnItemChanged(partition, in item);
        _second.OnItemChanged(partition, in item);
    }

    public void OnItemDeleted(int partition, ReadOnlySpan<byte> key)
    {
        _first.OnItemDeleted(partition, key);
        _second.OnItemDeleted(partition, key);
    }
}

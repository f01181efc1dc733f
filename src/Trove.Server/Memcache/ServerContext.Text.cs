using Trove.Server.Memcache.Stats;

namespace Trove.Server.Memcache;

/// <summary>The parts of the shared node state that only the text protocol's admin and stats commands use.</summary>
public sealed partial class ServerContext
{
    /// <summary>Per-prefix counters for "stats detail".</summary>
    public PrefixStats PrefixStats { get; } = new();

    /// <summary>Settings changed at run time by admin commands, reported by "stats settings".</summary>
    public RuntimeSettings Settings { get; } = new();

    /// <summary>Open client connections, for "stats conns".</summary>
    public ConnectionRegistry Connections { get; } = new();

    /// <summary>
    /// memcached counts its listening socket in total_connections until the first "stats reset" zeroes the count.
    /// </summary>
    public bool ListenerCountedInTotalConnections
    {
        get => Volatile.Read(ref _listenerCountedInTotalConnections);
        set => Volatile.Write(ref _listenerCountedInTotalConnections, value);
    }

    private bool _listenerCountedInTotalConnections = true;

    /// <summary>The engine's slab class table, for class ids in admin commands and dumps.</summary>
    internal SlabClassSizes SlabClasses => _slabClasses ??= new SlabClassSizes(Engine.Options.GrowthFactor);

    private SlabClassSizes? _slabClasses;

    /// <summary>Whole seconds since the node started.</summary>
    public uint UptimeSeconds => (uint)Math.Max(0, (Time.GetUtcNow() - StartedAt).TotalSeconds);
}

using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trove.Cluster;
using Trove.Cluster.Membership;
using Trove.Cluster.Placement;
using Trove.Cluster.Transport;
using Trove.Cluster.Wire;
using Trove.Server.Cluster;
using Trove.Server.Memcache;

namespace Trove.Server.Hosting;

/// <summary>
/// Runs this node's membership: a <see cref="SwimNode"/> over UDP+TCP on the gossip port, joined through the seeds,
/// feeding <see cref="ClusterState"/> on every change. Without a gossip port it publishes this node alone, owning every
/// partition, so stats nodes answers the same way either way. Registered after the listener: it starts once the
/// memcached port is bound (the default node name carries it) and, as the host stops services in reverse order,
/// leaves the cluster before the listener closes.
/// </summary>
internal sealed partial class ClusterMembershipService : IHostedService, IDisposable
{
    private readonly ServerContext context;
    private readonly MemcacheListenerService listener;
    private readonly ClusterSetup setup;
    private readonly ILogger _logger;
    private readonly ClusterRouting? _routing;
    private NodeAddress[] _seeds = [];
    private SwimNode? _swim;
    private string _name = "";
    private readonly Lock _publishGate = new();
    private volatile bool _leaving;
    private volatile bool _abandoned;

    /// <summary>
    /// With a gossip port, installs the node's <see cref="ClusterRouting"/> (and makes it the engine's change observer)
    /// here, when the host resolves its services, so it exists before the listener accepts the first connection.
    /// </summary>
    public ClusterMembershipService(ServerContext context, MemcacheListenerService listener, ClusterSetup setup, ILoggerFactory loggers)
    {
        this.context = context;
        this.listener = listener;
        this.setup = setup;
        _logger = loggers.CreateLogger("Trove.Cluster");
        if (!setup.Options.Enabled)
            return;
        var sealer = new PacketSealer(setup.Options.ClusterName, setup.SecretKey);
        // Until the gossip address is bound (StartAsync), any seed counts: the client port may open first, and a node
        // that is to join must not answer from its own data before it has (see PartitionOwnership).
        _seeds = [.. setup.Seeds];
        _routing = new ClusterRouting(context, sealer,
            // A node given seeds (other than itself) is the one arriving: the members it finds keep serving what they
            // served until they have copied its share to it. (Not "holds no data": copies may reach it before it sees them.)
            joining: () => _seeds.Length > 0,
            setup.Options.Replicas, setup.Options.SyncReplication,
            TimeSpan.FromMilliseconds(setup.Options.PeerTimeoutMilliseconds), loggers.CreateLogger("Trove.Routing"));
        _routing.MigrationRate = setup.Options.MigrationRateBytes;
        context.Routing = _routing;
        // Alongside any observer already installed (the store-mode log), which this code need not know about.
        context.Engine.ChangeObserver = Trove.Storage.CompositeChangeObserver.Combine(context.Engine.ChangeObserver, _routing);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var bound = (IPEndPoint)listener.BoundEndPoint!;
        _name = setup.NodeName(bound.Port);
        if (!setup.Options.Enabled)
        {
            // No gossip address exists: the address shown is where clients reach this node.
            context.Cluster.Publish(_name, [new Member(_name, new NodeAddress(setup.AdvertiseHost, bound.Port), 1, MemberState.Alive)]);
            return Task.CompletedTask;
        }

        ClusterOptions options = setup.SwimOptions(_name);
        var bind = new IPEndPoint(MemcacheListenerService.ParseAddress(context.Options.ListenAddress), setup.Options.GossipPort!.Value);
        var transport = new SocketTransport(bind, options.StreamTimeout, setup.AdvertiseHost)
        {
            DataStreamHandler = _routing!.Listener.ServeAsync,
        };
        SwimNode swim;
        try
        {
            swim = new SwimNode(options, transport, TimeProvider.System, Random.Shared.Next(), _logger);
        }
        catch
        {
            transport.Dispose();
            throw;
        }
        _swim = swim;
        _seeds = [.. setup.Seeds.Where(seed => seed != swim.Address)];
        _routing.Migrator.Start();
        swim.MemberChanged += _ => Publish(swim);
        swim.Start();
        Publish(swim);
        NodeClusterLog.Started(_logger, options.ClusterName, _name, swim.Address);
        // One seed list for every node (itself included) is the easy way to write service files; this node
        // answering its own join would prove nothing, so it is not asked.
        NodeAddress[] seeds = _seeds;
        if (seeds.Length > 0)
        {
            NodeClusterLog.Joining(_logger, options.ClusterName, string.Join(", ", seeds));
            // JoinAsync retries every probe interval until a seed answers; each seed's failure is logged once by the
            // protocol, not per retry. It faults only when every seed refused this node's settings (replicas,
            // partitions): then the node says so once and keeps serving on its own, a cluster of one, rather than
            // exiting, so a misconfigured node stays reachable for `stats cluster` while it is fixed.
            _ = swim.JoinAsync(seeds).ContinueWith(join =>
            {
                if (join.IsFaulted)
                {
                    // Only ClusterJoinRefusedException faults it; its message names every seed and what differs.
                    JoinRefused(_logger, options.ClusterName, options.Compatibility, join.Exception.GetBaseException().Message);
                    return;
                }
                IReadOnlyList<Member> members = swim.Members;
                NodeClusterLog.Joined(_logger, options.ClusterName, members.Count(ClusterSnapshot.IsLive),
                    string.Join(", ", members.Where(ClusterSnapshot.IsLive).Select(m => m.Name)));
            }, CancellationToken.None, TaskContinuationOptions.NotOnCanceled, TaskScheduler.Default);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_swim is not { } swim)
            return;
        NodeClusterLog.Leaving(_logger, context.Cluster.ClusterName);
        // The last view stays published: rebuilding the table without this node while it still serves would say
        // it owns nothing, which is news for the others, not for itself.
        _leaving = true;
        if (_routing is not null && !_abandoned)
        {
            // Hand this node's partitions to the owners they get without it before saying goodbye: with one replica
            // nothing else holds them, and with more the survivors need not copy them again. Bounded by the host's
            // shutdown budget; whatever is not handed over by then is served by replicas or lost (cache mode).
            try
            {
                int handed = await _routing.Migrator.HandOverAsync(cancellationToken);
                NodeClusterLog.HandedOver(_logger, handed);
            }
            catch (OperationCanceledException)
            {
                // Out of time: leave anyway.
            }
        }
        swim.Leave();
        // Leave gossips the notice at once; a few more gossip rounds carry it to members that missed the first
        // datagram before the sockets close. Bounded by the host's shutdown token.
        TimeSpan linger = TimeSpan.FromTicks(Math.Min(setup.Options.Swim.GossipInterval.Ticks * 3, TimeSpan.FromSeconds(1).Ticks));
        try
        {
            await Task.Delay(linger, cancellationToken);
            // Members route to this node until they see it leave: answer them until they stop (at most 2 s).
            if (_routing is not null && !_abandoned)
                await _routing.Listener.WaitIdleAsync(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown budget spent: close now; peers find out through probes instead.
        }
        swim.Dispose();
        // Streams from other nodes run on the engine, which the node disposes next.
        _routing?.Abort();
    }

    /// <summary>Where this node gossips; null without a gossip port.</summary>
    public NodeAddress? GossipAddress => _swim?.Address;

    /// <summary>Stops gossiping at once without a leave notice, as a killed process would (tests of failure detection).</summary>
    internal void Abandon()
    {
        _abandoned = true;
        _swim?.Dispose();
        _routing?.Abort();
    }

    public void Dispose()
    {
        _swim?.Dispose();
        _routing?.Dispose();
    }

    private void Publish(SwimNode swim)
    {
        ClusterSnapshot snapshot;
        bool tableChanged;
        // Members are read under the same lock as they are published: events arrive on several threads, and a
        // view read earlier must not be published after one read later. Each event follows its change, so the
        // last publish always carries the latest view.
        lock (_publishGate)
        {
            if (_leaving)
                return;
            snapshot = context.Cluster.Publish(_name, swim.Members, out tableChanged);
            // Under the same lock: ownership must see views in the order they were published.
            _routing?.OnMembershipChanged(_name, snapshot);
        }
        if (tableChanged)
        {
            snapshot.Load.TryGetValue(_name, out (int Owned, int Primary) mine);
            NodeClusterLog.TableChanged(_logger, snapshot.Table.Version, snapshot.Table.Members.Count, mine.Primary,
                mine.Owned - mine.Primary, PartitionTable.PartitionCount);
        }
    }

    // Here rather than in NodeClusterLog so this change stays within this file; event ids continue that class's.
    [LoggerMessage(25, LogLevel.Error, "Not joined to cluster {Cluster}: this node's settings ({Settings}) are refused. {Detail}. Serving alone until restarted with the cluster's settings")]
    private static partial void JoinRefused(ILogger logger, string cluster, string settings, string detail);
}

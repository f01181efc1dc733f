using Trove.Server;
using Trove.Storage;

namespace Trove.Cli;

/// <summary>The options of every module, resolved from defaults, trove.json, TROVE_* variables and the command line.</summary>
internal sealed record NodeSettings(ServerOptions Server, EngineOptions Engine, ClusterNodeOptions Cluster, StoreOptions Store);

namespace Trove.Cluster;

/// <summary>Where a member listens for gossip: a host (name or IP literal) and a port.</summary>
public readonly record struct NodeAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

namespace Trove.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad command line or configuration (BSD EX_USAGE, as memcached uses).</summary>
    public const int Usage = 64;
    /// <summary>Store mode: the log in --data-dir is damaged (not by a crash); the node refuses to start (BSD EX_DATAERR).</summary>
    public const int DataError = 65;
    /// <summary>The node could not start (port in use, address not available).</summary>
    public const int Unavailable = 69;
}

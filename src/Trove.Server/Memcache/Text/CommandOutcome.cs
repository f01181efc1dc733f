namespace Trove.Server.Memcache.Text;

/// <summary>What a command asks of the connection after it ran.</summary>
internal enum CommandOutcome : byte
{
    Continue,
    /// <summary>quit: send the replies so far, then close.</summary>
    Quit,
    /// <summary>HTTP request or shutdown: close at once; memcached drops replies it had not sent yet.</summary>
    HangUp,
}

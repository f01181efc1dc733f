namespace Trove.Server.Memcache;

/// <summary>
/// memcached's reqs_per_event for one connection: at most 20 commands run per read event; then memcached sends what
/// it holds and yields (counted in conn_yields). A session returns at that point with the rest of its input
/// unexamined, so the connection handler writes the replies, waiting for a client that does not read them, before
/// more commands run: a deep pipeline of large gets costs a quota's replies of memory, never the whole pipeline's.
/// </summary>
internal struct ReadEventQuota
{
    public const int RequestsPerEvent = 20;

    private int _left;
    private bool _yieldPending;
    private bool _resuming;

    /// <summary>At the start of a Process call: a new read event gets the whole quota; one that yielded keeps what it had left.</summary>
    public void BeginEvent()
    {
        if (!_resuming)
        {
            _left = RequestsPerEvent;
        }
        _resuming = false;
        _yieldPending = false;
    }

    /// <summary>Before each command: true when the last command spent the quota and input remains, so the session returns now.</summary>
    public bool ShouldYield(bool inputLeft)
    {
        if (!_yieldPending)
        {
            return false;
        }
        _yieldPending = false;
        _resuming = inputLeft;
        return inputLeft;
    }

    /// <summary>After each command: true when it spent the quota (the session then sends what it holds and counts a yield).</summary>
    public bool CommandDone()
    {
        if (--_left >= 0)
        {
            return false;
        }
        _left = RequestsPerEvent - 1;
        _yieldPending = true;
        return true;
    }
}

namespace Trove.Server.Tests.Infrastructure;

/// <summary>Why the client stopped reading.</summary>
internal enum ExchangeEnd
{
    /// <summary>Every "mn" sentinel was answered with "MN".</summary>
    Sentinel,

    /// <summary>The server closed (or reset) the connection.</summary>
    PeerClosed,

    /// <summary>The server stayed silent for <see cref="HarnessLimits.ReplySilence"/>: a hang, always a failure.</summary>
    Hang,
}

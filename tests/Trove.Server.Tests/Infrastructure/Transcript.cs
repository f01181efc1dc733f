namespace Trove.Server.Tests.Infrastructure;

/// <summary>Everything a server sent back for a script, and how the exchange ended.</summary>
internal sealed record Transcript(byte[] Reply, ExchangeEnd End)
{
    public override string ToString() => $"[{End}] {ByteText.Escape(Reply)}";
}

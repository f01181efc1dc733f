using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// One script sent byte for byte to a fresh memcached and a fresh Trove node.
/// </summary>
/// <param name="Name">Unique "group/description"; the theory row name.</param>
/// <param name="Steps">Byte scripts sent one after another; each is answered in full (up to its sentinel) before the next goes out.</param>
internal sealed record DifferentialCase(string Name, IReadOnlyList<byte[]> Steps)
{
    /// <summary>Both servers run with these settings.</summary>
    public ServerSettings Settings { get; init; } = ServerSettings.Default;

    /// <summary>
    /// False when the server closes the connection after the last step (nothing would answer a sentinel there);
    /// earlier steps always end with one.
    /// </summary>
    public bool AppendSentinel { get; init; } = true;

    /// <summary>
    /// Why the case is only sent in one write, or null when it is also sent one byte per write and in seeded random
    /// pieces. A reason is needed: memcached itself answers some scripts differently depending on how the bytes
    /// arrive (e.g. it closes a connection once 2048 bytes without a newline are buffered, unless they begin "get ").
    /// </summary>
    public string? WholeOnlyReason { get; init; }

    /// <summary>The script speaks the binary protocol: a binary noop is the sentinel and replies are compared packet by packet.</summary>
    public bool Binary { get; init; }

    public int Length => Steps.Sum(s => s.Length);

    public static DifferentialCase Of(string name, params byte[][] steps) => new(name, steps);
}

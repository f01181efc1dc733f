using Trove.Server.Tests.Infrastructure;
using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    /// <summary>
    /// Values around the -I limit (1 MiB by default). memcached counts an item as 48 header bytes + key + 1 +
    /// (4 flag bytes when flags are not 0) + value + 2 (the \r\n) + 8 (CAS), so with the key "k" the largest value
    /// is 1048516 bytes (1048512 with flags). A value that is too large is answered with an error and its bytes
    /// are swallowed, so the next command is understood.
    /// </summary>
    private static IEnumerable<DifferentialCase> ItemSizeLimits()
    {
        byte[] after = Text("get k\r\nset after 0 0 2\r\nok\r\nget after\r\n");
        yield return DifferentialCase.Of("sizes/2 MB value is too large and swallowed", Concat(Set("k", 2 << 20), after));
        yield return DifferentialCase.Of("sizes/2 MB value with noreply is too large and swallowed", Concat(
            Text($"set k 0 0 {2 << 20} noreply\r\n"), Value(2 << 20), Text("\r\n"), after));
        yield return DifferentialCase.Of("sizes/2 MB value replacing a stored item", Concat(Set("k", 3), Set("k", 2 << 20), after));
        yield return DifferentialCase.Of("sizes/2 MB ms is too large and swallowed", Concat(
            Text($"ms k {2 << 20} T0\r\n"), Value(2 << 20), Text("\r\n"), after));
        yield return DifferentialCase.Of("sizes/largest value that fits (1048516 bytes, flags 0)", Concat(Set("k", 1048516), Text("mg k s f\r\n")));
        yield return DifferentialCase.Of("sizes/one byte more than fits (1048517 bytes, flags 0)", Concat(Set("k", 1048517), after));
        yield return DifferentialCase.Of("sizes/largest value with flags (1048512 bytes)", Concat(Set("k", 1048512, flags: 1), Set("k", 1048513, flags: 1), Text("mg k s f\r\n")));
        yield return DifferentialCase.Of("sizes/append past the limit", Concat(Set("k", 1048000), Set("k", 1000, command: "append"), Text("mg k s\r\n")));
        yield return DifferentialCase.Of("sizes/2 MB value with -I 4m is stored", Concat(Set("k", 2 << 20), Text("mg k s\r\n"))) with
        {
            Settings = ServerSettings.Default with { MaxItemSizeBytes = 4 << 20 },
        };
    }
}

using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    private const string SplitDependence =
        "memcached closes a connection once more than 2048 bytes without a newline are buffered (unless they begin " +
        "with get/gets), so whether this line is read in one piece decides its answer";

    /// <summary>Lines longer than memcached's 2048-byte limit on a buffered line without a newline.</summary>
    private static IEnumerable<DifferentialCase> LongLines()
    {
        string keys = string.Join(' ', Enumerable.Range(0, 500).Select(i => $"a{i:d4}"));
        byte[] stored = Concat(Set("a0001", 2), Set("a0499", 3));

        yield return DifferentialCase.Of("long lines/get of 3000 bytes of keys", Concat(stored, Text($"get {keys}\r\n")));
        yield return DifferentialCase.Of("long lines/gets of 3000 bytes of keys", Concat(stored, Text($"gets {keys}\r\n")));
        yield return DifferentialCase.Of("long lines/get after leading spaces", Concat(stored, Text($"   get {keys}\r\n")));
        yield return DifferentialCase.Of("long lines/gat of 3000 bytes of keys in one write", Concat(stored, Text($"gat 10 {keys}\r\n"))) with
        {
            WholeOnlyReason = SplitDependence,
        };
        yield return DifferentialCase.Of("long lines/3000-byte key in a set, in one write", Text($"set {new string('k', 3000)} 0 0 1\r\nx\r\n")) with
        {
            WholeOnlyReason = SplitDependence,
        };
        // The closing line is a step of its own: memcached discards replies it has not written when it closes.
        yield return DifferentialCase.Of("long lines/3000 bytes without a newline (not a get) closes", stored, Text($"gat 10 {keys}")) with
        {
            AppendSentinel = false,
        };
        yield return DifferentialCase.Of("long lines/3000 bytes of junk without a newline closes", stored, Repeat('z', 3000)) with
        {
            AppendSentinel = false,
        };
        yield return DifferentialCase.Of("long lines/closing discards the unwritten replies before it", Concat(stored, Repeat('z', 3000))) with
        {
            AppendSentinel = false,
            WholeOnlyReason = "which earlier replies memcached has already written when it closes depends on how the bytes arrived",
        };
        yield return DifferentialCase.Of("long lines/3000 bytes of mg without a newline closes", Text($"mg {new string('k', 3000)}")) with
        {
            AppendSentinel = false,
        };
    }
}

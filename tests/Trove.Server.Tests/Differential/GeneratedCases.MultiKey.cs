using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    private static readonly string[] _retrievals = ["get", "gets", "gat 100", "gats 100"];

    /// <summary>get/gets/gat/gats over 1, 2, 30 and 100 keys (memcached tokenizes 24 at a time), half of them missing.</summary>
    private static IEnumerable<DifferentialCase> MultiKeyRetrievals()
    {
        foreach (string command in _retrievals)
        {
            string verb = command.Split(' ')[0];
            foreach (int count in (int[])[1, 2, 30, 100])
            {
                // Even keys are stored (with their index as flags), odd keys are missing.
                byte[] setup = Concat([.. Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => Set($"key{i}", 1 + (i % 7), flags: i))]);
                string keys = string.Join(' ', Enumerable.Range(0, count).Select(i => $"key{i}"));
                yield return DifferentialCase.Of($"multikey/{verb} {count} keys, odd ones missing", Concat(setup, Text($"{command} {keys}\r\n")));
            }

            yield return DifferentialCase.Of($"multikey/{verb} of one missing key", Text($"{command} nothere\r\n"));
            // The retrieval is a step of its own: see LongKeyDropsUnwrittenReplies.
            yield return DifferentialCase.Of(
                $"multikey/{verb} with a 251-byte key in the middle of the list",
                Concat(Set("key0", 3), Set("key2", 3)),
                Text($"{command} key0 key1 {new string('x', 251)} key2\r\nget key2\r\n"));
        }
    }

    /// <summary>Keys of exactly 250 bytes (the limit) and 251 (one too many) through every command that takes a key.</summary>
    private static IEnumerable<DifferentialCase> KeyLengthLimits()
    {
        foreach (int length in (int[])[250, 251])
        {
            string key = new('k', length);
            yield return new DifferentialCase($"keys/{length}-byte key through the storage commands", [
                Text($"set {key} 1 0 2\r\n10\r\n"), Text($"get {key}\r\n"), Text($"add {key} 0 0 1\r\nx\r\nreplace {key} 2 0 2\r\n20\r\n"),
                Text($"append {key} 0 0 1\r\n0\r\nprepend {key} 0 0 1\r\n1\r\n"), Text($"gets {key}\r\n"), Text($"cas {key} 0 0 1 99\r\ny\r\n")]);
            // One step per command: see LongKeyDropsUnwrittenReplies.
            yield return new DifferentialCase($"keys/{length}-byte key through the other text commands", [
                Text($"set {key} 0 0 2\r\n10\r\n"), Text($"incr {key} 5\r\n"), Text($"decr {key} 1\r\n"), Text($"touch {key} 100\r\n"),
                Text($"gat 100 {key}\r\n"), Text($"gats 100 {key}\r\n"), Text($"delete {key}\r\n"), Text($"get {key}\r\n")]);
            yield return DifferentialCase.Of($"keys/{length}-byte key through the meta commands", Text(
                $"ms {key} 2 T0 F5\r\n10\r\nmg {key} v f k\r\nma {key} D3 v\r\nmd {key} q\r\nmg {key} v\r\n"));
        }

        yield return LongKeyDropsUnwrittenReplies();
    }

    /// <summary>
    /// memcached quirk: when get/gets/gat/gats meets a key over 250 bytes it discards every reply of this
    /// connection not yet written to the socket (conn_release_items), then answers CLIENT_ERROR. In one write,
    /// the replies to the commands before it are all still unwritten, so they vanish.
    /// </summary>
    private static DifferentialCase LongKeyDropsUnwrittenReplies() => DifferentialCase.Of(
        "keys/get with a 251-byte key drops the unwritten replies before it",
        Text($"set a 0 0 1\r\n1\r\nget a\r\nincr a 1\r\nbogus\r\nget {new string('k', 251)}\r\nget a\r\n")) with
    {
        WholeOnlyReason = "which earlier replies memcached has already written (and so cannot discard) depends on how the bytes arrived",
    };
}

using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// Reads the text corpus (tests/Trove.Server.Tests/corpus/*.txt). The format:
/// <code>
/// # a comment (only at the start of a line)
/// === group/case name          starts a case
/// !whole-only reason           send in one write only (say why memcached depends on the split)
/// !no-sentinel                 the server closes the connection in the last step; read until it does
/// !binary                      the case speaks the binary protocol (a binary noop is its sentinel)
/// > set key=a value=b          with !binary: one binary packet (see BinaryPacket)
/// ---                          starts the next step (sent after the previous one is fully answered)
/// set a 0 0 1\r\n              script bytes: the file's own line breaks are dropped, escapes make the bytes
/// </code>
/// Escapes: \r \n \t \0 \\ \xNN. Trailing whitespace is an error (write \x20): editors strip it silently.
/// </summary>
internal static class CorpusFile
{
    public static IReadOnlyList<DifferentialCase> Parse(string fileName, IEnumerable<string> lines)
    {
        var cases = new List<DifferentialCase>();
        string? name = null;
        var steps = new List<List<byte>>();
        bool appendSentinel = true;
        string? wholeOnly = null;
        bool binary = false;
        int number = 0;

        void Finish()
        {
            if (name is null)
            {
                return;
            }

            if (steps.Any(s => s.Count == 0))
            {
                throw new FormatException($"{fileName}: case '{name}' has an empty step");
            }

            cases.Add(new DifferentialCase(name, steps.Select(s => s.ToArray()).ToArray())
            {
                AppendSentinel = appendSentinel,
                WholeOnlyReason = wholeOnly,
                Binary = binary,
            });
        }

        foreach (string line in lines)
        {
            number++;
            string where = $"{fileName}:{number}";
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (char.IsWhiteSpace(line[^1]))
            {
                throw new FormatException($"{where}: trailing whitespace; write a trailing space as \\x20");
            }

            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                Finish();
                name = line[4..];
                steps = [[]];
                appendSentinel = true;
                wholeOnly = null;
                binary = false;
            }
            else if (name is null)
            {
                throw new FormatException($"{where}: script bytes before the first '=== name' line");
            }
            else if (line == "---")
            {
                steps.Add([]);
            }
            else if (line == "!no-sentinel")
            {
                appendSentinel = false;
            }
            else if (line == "!binary")
            {
                binary = true;
            }
            else if (binary && line.StartsWith("> ", StringComparison.Ordinal))
            {
                try
                {
                    steps[^1].AddRange(BinaryPacket.Parse(line[2..]));
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"{where}: {ex.Message}", ex);
                }
            }
            else if (line.StartsWith("!whole-only ", StringComparison.Ordinal))
            {
                wholeOnly = line["!whole-only ".Length..];
            }
            else if (line.StartsWith('!'))
            {
                throw new FormatException($"{where}: unknown directive '{line}'");
            }
            else
            {
                try
                {
                    steps[^1].AddRange(ByteText.Unescape(line));
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"{where}: {ex.Message}", ex);
                }
            }
        }

        Finish();
        return cases;
    }
}

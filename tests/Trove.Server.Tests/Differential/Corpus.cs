using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>Every differential case: the text corpus files plus the generated cases, and their theory rows.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyList<DifferentialCase>> _cases = new(Load);
    private static readonly Lazy<IReadOnlyDictionary<string, DifferentialRow>> _rows = new(() =>
        Cases.SelectMany(DifferentialRow.For).ToDictionary(r => r.Name, StringComparer.Ordinal));

    public static IReadOnlyList<DifferentialCase> Cases => _cases.Value;

    public static IReadOnlyDictionary<string, DifferentialRow> Rows => _rows.Value;

    public static IEnumerable<string> TextFiles() =>
        Directory.EnumerateFiles(ProjectPaths.Corpus, "*.txt").Order(StringComparer.Ordinal);

    private static IReadOnlyList<DifferentialCase> Load()
    {
        var cases = new List<DifferentialCase>();
        foreach (string file in TextFiles())
        {
            cases.AddRange(CorpusFile.Parse(Path.GetFileName(file), File.ReadLines(file)));
        }

        cases.AddRange(GeneratedCases.All());
        string[] duplicates = [.. cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key)];
        if (duplicates.Length > 0)
        {
            throw new InvalidOperationException($"duplicate case names: {string.Join(", ", duplicates)}");
        }

        return cases;
    }
}

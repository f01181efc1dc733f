using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>The corpus itself: it loads, names are unique, and the text format rejects what would silently change a script.</summary>
public sealed class CorpusTests
{
    [Fact]
    public void Every_corpus_file_parses_and_every_case_has_rows()
    {
        Assert.NotEmpty(Corpus.TextFiles());
        Assert.True(Corpus.Cases.Count >= 150, $"only {Corpus.Cases.Count} cases");
        Assert.All(Corpus.Cases, c => Assert.Contains(Corpus.Rows.Values, r => r.Case == c));
    }

    [Fact]
    public void A_case_file_joins_lines_without_their_line_breaks_and_splits_steps()
    {
        IReadOnlyList<DifferentialCase> cases = CorpusFile.Parse("t.txt", ["# comment", "=== g/one", "set a 0 0 1\\r\\n", "x\\r\\n", "---", "get a\\x20b\\r\\n", "!no-sentinel", "=== g/two", "!whole-only because", "\\0\\t\\\\\\xff"]);

        Assert.Equal(2, cases.Count);
        Assert.Equal("g/one", cases[0].Name);
        Assert.Equal("set a 0 0 1\r\nx\r\n"u8.ToArray(), cases[0].Steps[0]);
        Assert.Equal("get a b\r\n"u8.ToArray(), cases[0].Steps[1]);
        Assert.False(cases[0].AppendSentinel);
        Assert.Null(cases[0].WholeOnlyReason);
        Assert.Equal([0, 9, (byte)'\\', 0xff], cases[1].Steps[0]);
        Assert.Equal("because", cases[1].WholeOnlyReason);
    }

    [Theory]
    [InlineData("get a ")]
    [InlineData("get a\\q")]
    [InlineData("!bogus")]
    [InlineData("get caf\u00e9")]
    public void A_case_file_rejects_trailing_spaces_unknown_escapes_and_directives(string line)
    {
        Assert.Throws<FormatException>(() => CorpusFile.Parse("t.txt", ["=== g/x", line]));
    }

    [Fact]
    public void Bytes_survive_escaping_and_unescaping()
    {
        byte[] every = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];

        Assert.Equal(every, ByteText.Unescape(ByteText.Escape(every)));
    }

    [Fact]
    public void Every_delivery_sends_exactly_the_script()
    {
        byte[] script = [.. Enumerable.Range(0, 1000).Select(b => (byte)b)];

        foreach (Delivery delivery in (Delivery[])[Delivery.Whole, Delivery.Bytewise, Delivery.RandomSplits(7), Delivery.SplitAt(1, 500, 999)])
        {
            Assert.Equal(script, delivery.Chunks(script).SelectMany(c => c.ToArray()).ToArray());
        }

        Assert.Equal(1000, Delivery.Bytewise.Chunks(script).Count());
        Assert.Equal(4, Delivery.SplitAt(1, 500, 999).Chunks(script).Count());
        Assert.Equal(Delivery.RandomSplits(7).Chunks(script).Select(c => c.Length), Delivery.RandomSplits(7).Chunks(script).Select(c => c.Length));
    }

    [Fact]
    public void Sentinels_are_counted_only_as_whole_lines()
    {
        Assert.Equal(2, Sentinel.CountRequests("mn\r\nget mn\r\nmn\nmnx\r\n"u8));
        Assert.Equal(2, Sentinel.CountReplies("MN\r\nVALUE xMN\r\nEND\r\nMN\r\n"u8));
    }
}

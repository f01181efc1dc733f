using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// Every corpus case, in every delivery, against a fresh memcached and a fresh candidate (Trove, or memcached
/// again with TROVE_CANDIDATE=memcached): the replies must be equal byte for byte after <see cref="ReplyMask"/>.
/// </summary>
public sealed class DifferentialTests
{
    public static TheoryData<CorpusRow> Rows() => new(Corpus.Rows.Keys.Select(name => new CorpusRow(name)));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_candidate_answers_the_script_exactly_as_memcached_does(CorpusRow row)
    {
        DifferentialRow differential = Corpus.Rows[row.Name];
        DifferentialCase @case = differential.Case;

        Task<MemcachedProcess> startingReference = MemcachedProcess.StartAsync(@case.Settings);
        Task<IServerUnderTest> startingCandidate = Candidate.StartAsync(@case.Settings);
        await using MemcachedProcess reference = await startingReference;
        await using IServerUnderTest candidate = await startingCandidate;

        Transcript[] transcripts = await Task.WhenAll(
            RawClient.ExchangeAsync(reference.Port, @case.Steps, differential.Delivery, @case.AppendSentinel, @case.Binary),
            RawClient.ExchangeAsync(candidate.Port, @case.Steps, differential.Delivery, @case.AppendSentinel, @case.Binary));
        Transcript expected = Readable(transcripts[0], @case.Binary);
        Transcript actual = Readable(transcripts[1], @case.Binary);
        Dump(row.Name, expected);

        Assert.True(expected.End != ExchangeEnd.Hang, $"corpus error: memcached itself hangs on {row}: {expected}");
        List<string> left = [.. ReplyMask.Lines(ReplyMask.Apply(expected.Reply))];
        List<string> right = [.. ReplyMask.Lines(ReplyMask.Apply(actual.Reply))];
        if (expected.End != actual.End || ReplyComparer.FirstDifference(left, right) is not null)
        {
            Assert.Fail(TranscriptDiff.Describe(row.Name, expected, actual, candidate.Name));
        }
    }

    /// <summary>Binary replies are compared as one text line per packet (<see cref="BinaryReplyText"/>), so the mask applies to them too.</summary>
    private static Transcript Readable(Transcript transcript, bool binary) =>
        binary ? transcript with { Reply = BinaryReplyText.Render(transcript.Reply) } : transcript;

    /// <summary>TROVE_DIFF_DUMP=dir writes memcached's reply to every row there (escaped), to read while writing cases.</summary>
    private static void Dump(string row, Transcript expected)
    {
        string? directory = Environment.GetEnvironmentVariable("TROVE_DIFF_DUMP");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        string file = new([.. row.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        File.WriteAllText(Path.Combine(directory, file + ".txt"), $"{row}\nended by {expected.End}\n{ByteText.Escape(expected.Reply, breakLines: true)}\n", Encoding.UTF8);
    }
}

using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>One theory row: a case and the way its bytes are delivered.</summary>
internal sealed record DifferentialRow(DifferentialCase Case, Delivery Delivery)
{
    /// <summary>Scripts up to this size are also sent one byte per write (each byte is a system call).</summary>
    public const int BytewiseLimit = 16 * 1024;

    public string Name => $"{Case.Name} [{Delivery}]";

    /// <summary>The rows of a case: whole, and unless the case is whole-only, byte by byte (small scripts) and split at seeded points.</summary>
    public static IEnumerable<DifferentialRow> For(DifferentialCase @case)
    {
        yield return new DifferentialRow(@case, Delivery.Whole);
        if (@case.WholeOnlyReason is not null)
        {
            yield break;
        }

        if (@case.Length <= BytewiseLimit)
        {
            yield return new DifferentialRow(@case, Delivery.Bytewise);
        }

        yield return new DifferentialRow(@case, Delivery.RandomSplits(StableHash.Of(@case.Name)));
    }
}

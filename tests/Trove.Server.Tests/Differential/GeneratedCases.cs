namespace Trove.Server.Tests.Differential;

/// <summary>Cases too large or too regular to write by hand in the text corpus.</summary>
internal static partial class GeneratedCases
{
    public static IEnumerable<DifferentialCase> All() =>
        MultiKeyRetrievals()
            .Concat(KeyLengthLimits())
            .Concat(ItemSizeLimits())
            .Concat(LongLines())
            .Concat(Pipelines())
            .Concat(Garbage())
            .Concat(BinaryGenerated());
}

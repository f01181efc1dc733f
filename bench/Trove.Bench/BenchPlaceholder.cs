namespace Trove.Bench;

internal static class BenchPlaceholder
{
}

namespace Trove.Server.Tests.Infrastructure;

/// <summary>FNV-1a over UTF-16 code units: the same in every process (string.GetHashCode is randomized per process).</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7fffffff);
    }
}

using Trove.Protocol.Meta;

namespace Trove.Server.Memcache.Meta;

/// <summary>Questions about the order of flags on a request line (flags are unique, so each occurs at most once).</summary>
internal static class MetaFlagOrder
{
    /// <summary>Whether flag <paramref name="first"/> occurs before flag <paramref name="second"/>; false when either is absent.</summary>
    public static bool Precedes(ReadOnlySpan<byte> flagTokens, byte first, byte second)
    {
        bool seenFirst = false;
        foreach (ReadOnlySpan<byte> token in new MetaTokens(flagTokens))
        {
            if (token[0] == first)
            {
                seenFirst = true;
            }
            else if (token[0] == second)
            {
                return seenFirst;
            }
        }
        return false;
    }
}

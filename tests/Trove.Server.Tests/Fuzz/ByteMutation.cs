namespace Trove.Server.Tests.Fuzz;

/// <summary>The mutations text and binary fuzzing share; each protocol adds its own sixth kind (numbers, lengths).</summary>
internal static class ByteMutation
{
    /// <summary>
    /// One random mutation of a non-empty buffer: a bit flip, truncation, a duplicated run, an inserted byte,
    /// deleted bytes, or the protocol's own mutation.
    /// </summary>
    public static void Apply(Random random, List<byte> bytes, Func<Random, byte> insertedByte, Action<Random, List<byte>> protocolMutation)
    {
        int at = random.Next(bytes.Count);
        switch (random.Next(6))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 2:
                int length = random.Next(1, Math.Min(64, bytes.Count - at) + 1);
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                break;
            case 3:
                bytes.Insert(at, insertedByte(random));
                break;
            case 4:
                bytes.RemoveRange(at, random.Next(1, Math.Min(16, bytes.Count - at) + 1));
                break;
            default:
                protocolMutation(random, bytes);
                break;
        }
    }
}

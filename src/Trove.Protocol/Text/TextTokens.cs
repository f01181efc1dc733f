using System.Runtime.CompilerServices;

namespace Trove.Protocol.Text;

/// <summary>One token of a command line, as an offset and length into the line (so requests stay plain values).</summary>
public readonly record struct TextToken(int Start, int Length)
{
    /// <summary>The token's bytes within <paramref name="line"/>.</summary>
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);

    public bool IsEmpty => Length == 0;
}

/// <summary>
/// The tokens of a command line, split exactly as memcached's tokenize_command: on ' ' only (tabs and other
/// whitespace belong to tokens), empty tokens skipped, at most <see cref="MaxTokens"/> tokens; when there are
/// more, <see cref="RestStart"/> tells where the untokenized rest begins (multi-key gets continue there).
/// </summary>
public struct TextTokens
{
    /// <summary>memcached's MAX_TOKENS (24) less the terminal token it always appends.</summary>
    public const int MaxTokens = 23;

    private TokenBuffer _tokens;

    /// <summary>Number of tokens found (memcached's ntokens is this plus one).</summary>
    public int Count { get; private set; }

    /// <summary>Offset of the first byte not tokenized because <see cref="MaxTokens"/> were found; -1 when none is left.</summary>
    public int RestStart { get; private set; }

    /// <summary>The token at <paramref name="index"/>, or an empty token past the last one (memcached's terminal token).</summary>
    public readonly TextToken this[int index] => (uint)index < (uint)Count ? _tokens[index] : default;

    /// <summary>Splits <paramref name="line"/> from <paramref name="start"/> on.</summary>
    public static void Tokenize(ReadOnlySpan<byte> line, int start, out TextTokens tokens)
    {
        tokens = default;
        tokens.RestStart = -1;
        int position = start;
        while (position < line.Length)
        {
            int space = line.Slice(position).IndexOf((byte)' ');
            int end = space < 0 ? line.Length : position + space;
            if (end > position)
            {
                tokens._tokens[tokens.Count++] = new TextToken(position, end - position);
                if (tokens.Count == MaxTokens && space >= 0)
                {
                    // memcached stops after the space that ends the last token it has room for.
                    int rest = end + 1;
                    tokens.RestStart = rest < line.Length ? rest : -1;
                    return;
                }
            }
            if (space < 0)
            {
                return;
            }
            position = end + 1;
        }
    }

    [InlineArray(MaxTokens)]
    private struct TokenBuffer
    {
        private TextToken _element;
    }
}

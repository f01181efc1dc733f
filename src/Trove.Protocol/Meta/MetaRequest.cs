namespace Trove.Protocol.Meta;

/// <summary>
/// A parsed meta command line (see <see cref="MetaCommandParser"/>). Spans point into the parsed line or into
/// the caller's key buffer, so the request lives no longer than either.
/// </summary>
public ref struct MetaRequest
{
    /// <summary>The longest key memcached accepts, counted on the wire (before base64 decoding).</summary>
    public const int MaxKeyLength = 250;

    /// <summary>The longest opaque token, the 'O' included.</summary>
    public const int MaxOpaqueTokenLength = 32;

    /// <summary>A key buffer this large holds any decoded base64 key under memcached's limit.</summary>
    public const int KeyBufferLength = MaxKeyLength / 4 * 3;

    /// <summary>
    /// The longest key token a line may carry under a key limit of <paramref name="maxKeyLength"/>. Up to memcached's
    /// 250 the token itself is what counts, as in memcached (a base64 key is judged by its encoded length); above it
    /// a base64 token may be as long as the encoding of a key of the limit, whose decoded length is then what counts.
    /// </summary>
    public static int MaxKeyTokenLength(int maxKeyLength)
        => maxKeyLength <= MaxKeyLength ? maxKeyLength : MetaBase64.EncodedLength(maxKeyLength);

    /// <summary>A key buffer this large holds any base64 key decoded under a key limit of <paramref name="maxKeyLength"/>.</summary>
    public static int KeyBufferLengthFor(int maxKeyLength)
        => Math.Max(KeyBufferLength, MetaBase64.MaxDecodedLength(MaxKeyTokenLength(maxKeyLength)));

    /// <summary>Which of the six meta commands the line is.</summary>
    public MetaCommandKind Command { get; internal set; }

    /// <summary>Why the line was rejected, or <see cref="MetaParseError.None"/>.</summary>
    public MetaParseError Error { get; internal set; }

    /// <summary>The key; already base64-decoded when <see cref="MetaFlags.Base64Key"/> is set.</summary>
    public ReadOnlySpan<byte> Key { get; internal set; }

    /// <summary>Every flag present on the line.</summary>
    public MetaFlags Flags { get; internal set; }

    /// <summary>The flag tokens, in request order, for building replies whose flags follow that order.</summary>
    public ReadOnlySpan<byte> FlagTokens { get; internal set; }

    /// <summary>ms only: the value length; -1 when the line was rejected before it was known, in which case
    /// nothing after the line belongs to the command.</summary>
    public int DataLength { get; internal set; }

    /// <summary>T token (protocol exptime, memcached's truncating 32-bit parse).</summary>
    public int Ttl { get; internal set; }

    /// <summary>N token (protocol exptime).</summary>
    public int VivifyTtl { get; internal set; }

    /// <summary>R token (protocol exptime).</summary>
    public int RecacheTtl { get; internal set; }

    /// <summary>F token.</summary>
    public uint ClientFlags { get; internal set; }

    /// <summary>C token.</summary>
    public ulong CompareCas { get; internal set; }

    /// <summary>J token; 0 when absent.</summary>
    public ulong Initial { get; internal set; }

    /// <summary>D token; 1 when absent.</summary>
    public ulong Delta { get; internal set; }

    /// <summary>The character after M, or 0 when there is no M flag.</summary>
    public byte Mode { get; internal set; }

    /// <summary>The O token is longer than <see cref="MaxOpaqueTokenLength"/>. mg and ma report this only after
    /// touching the item, as memcached does, so it is not an <see cref="Error"/> for them.</summary>
    public bool OpaqueTooLong { get; internal set; }

    /// <summary>Whether <paramref name="flag"/> was given.</summary>
    public readonly bool Has(MetaFlags flag) => (Flags & flag) != 0;
}

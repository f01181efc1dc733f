namespace Trove.Protocol.Meta;

/// <summary>
/// Base64 as memcached's base64.c does it for meta "b" keys. Decoding is lenient in memcached's particular way:
/// bytes outside the alphabet are skipped, the remaining characters must be a non-zero multiple of four, and
/// decoding stops after the first block that carries '=' padding (anything after it is ignored). A result of zero
/// bytes is a failure. Encoding is standard padded base64.
/// </summary>
public static class MetaBase64
{
    private const byte Invalid = 0x80;

    private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    /// <summary>Largest decoded length of an encoded key of <paramref name="encodedLength"/> bytes.</summary>
    public static int MaxDecodedLength(int encodedLength) => encodedLength / 4 * 3;

    /// <summary>Encoded length of <paramref name="length"/> bytes.</summary>
    public static int EncodedLength(int length) => (length + 2) / 3 * 4;

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxDecodedLength"/> bytes). Returns the decoded length, or 0 when memcached would fail.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int count = 0;
        foreach (byte b in source)
        {
            if (DecodeValue(b) != Invalid)
            {
                count++;
            }
        }
        if (count == 0 || count % 4 != 0 || count / 4 * 3 > destination.Length)
        {
            return 0;
        }

        Span<byte> block = stackalloc byte[4];
        int filled = 0;
        int pad = 0;
        int written = 0;
        foreach (byte b in source)
        {
            byte value = DecodeValue(b);
            if (value == Invalid)
            {
                continue;
            }
            if (b == '=')
            {
                pad++;
            }
            block[filled++] = value;
            if (filled < 4)
            {
                continue;
            }
            destination[written++] = (byte)((block[0] << 2) | (block[1] >> 4));
            destination[written++] = (byte)((block[1] << 4) | (block[2] >> 2));
            destination[written++] = (byte)((block[2] << 6) | block[3]);
            filled = 0;
            if (pad > 0)
            {
                // One '=' drops one byte, two drop two; more is invalid padding.
                if (pad > 2)
                {
                    return 0;
                }
                written -= pad;
                break;
            }
        }
        return written;
    }

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (at least
    /// <see cref="EncodedLength"/> bytes) and returns the number of bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ReadOnlySpan<byte> alphabet = Alphabet;
        int i = 0;
        int written = 0;
        for (; source.Length - i >= 3; i += 3)
        {
            destination[written++] = alphabet[source[i] >> 2];
            destination[written++] = alphabet[((source[i] & 0x03) << 4) | (source[i + 1] >> 4)];
            destination[written++] = alphabet[((source[i + 1] & 0x0f) << 2) | (source[i + 2] >> 6)];
            destination[written++] = alphabet[source[i + 2] & 0x3f];
        }
        int rest = source.Length - i;
        if (rest > 0)
        {
            destination[written++] = alphabet[source[i] >> 2];
            if (rest == 1)
            {
                destination[written++] = alphabet[(source[i] & 0x03) << 4];
                destination[written++] = (byte)'=';
            }
            else
            {
                destination[written++] = alphabet[((source[i] & 0x03) << 4) | (source[i + 1] >> 4)];
                destination[written++] = alphabet[(source[i + 1] & 0x0f) << 2];
            }
            destination[written++] = (byte)'=';
        }
        return written;
    }

    // memcached's decode table: the alphabet, plus '=' which decodes to 0 and counts as padding.
    private static byte DecodeValue(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => (byte)(b - 'A'),
        >= (byte)'a' and <= (byte)'z' => (byte)(b - 'a' + 26),
        >= (byte)'0' and <= (byte)'9' => (byte)(b - '0' + 52),
        (byte)'+' => 62,
        (byte)'/' => 63,
        (byte)'=' => 0,
        _ => Invalid,
    };
}

using System.Text;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>Byte strings as readable text and back: \r \n \t \0 \\ and \xNN for anything else unprintable.</summary>
internal static class ByteText
{
    /// <summary>Escapes bytes; a line break follows every escaped \n so long replies stay readable.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes, bool breakLines = false)
    {
        var text = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\n': text.Append(breakLines ? "\\n\n" : "\\n"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case 0: text.Append("\\0"); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case >= 0x20 and < 0x7f: text.Append((char)b); break;
                default: text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        return text.ToString();
    }

    /// <summary>The inverse of <see cref="Escape"/>: ASCII text with the same escapes to bytes.</summary>
    public static byte[] Unescape(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 0x7f)
            {
                throw new FormatException($"non-ASCII character U+{(int)c:X4} at {i}: write it as \\xNN escapes");
            }

            if (c != '\\')
            {
                bytes.Add((byte)c);
                continue;
            }

            if (++i == text.Length)
            {
                throw new FormatException("a lone backslash ends the text");
            }

            switch (text[i])
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length:
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                    break;
                default: throw new FormatException($"unknown escape \\{text[i]} at {i}");
            }
        }

        return [.. bytes];
    }
}

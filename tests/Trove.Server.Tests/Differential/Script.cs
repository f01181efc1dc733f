using System.Text;

namespace Trove.Server.Tests.Differential;

/// <summary>Builders for generated scripts: Latin-1 text (every char is one byte) and repeated bytes.</summary>
internal static class Script
{
    public static byte[] Text(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Repeat(char c, int count) => Text(new string(c, count));

    /// <summary>"set key flags 0 length\r\nvalue\r\n" with a value of <paramref name="length"/> bytes cycling 'a'..'z'.</summary>
    public static byte[] Set(string key, int length, int flags = 0, string command = "set") =>
        Concat(Text($"{command} {key} {flags} 0 {length}\r\n"), Value(length), Text("\r\n"));

    public static byte[] Value(int length)
    {
        var value = new byte[length];
        for (int i = 0; i < length; i++)
        {
            value[i] = (byte)('a' + (i % 26));
        }

        return value;
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using Trove.Protocol.Text;

namespace Trove.Server.Memcache.Stats;

/// <summary>Writes "STAT name value" lines in the formats memcached's printf calls produce.</summary>
internal readonly ref struct StatWriter(IBufferWriter<byte> output)
{
    public void Number(ReadOnlySpan<byte> name, ulong value) => TextReplyWriter.WriteStat(output, name, value);

    public void Signed(ReadOnlySpan<byte> name, long value) => TextReplyWriter.WriteStat(output, name, value);

    public void Text(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => TextReplyWriter.WriteStat(output, name, value);

    /// <summary>A .NET string value (ASCII in practice: addresses, versions).</summary>
    public void Text(ReadOnlySpan<byte> name, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(value.Length, 256))];
        int length = Encoding.UTF8.GetBytes(value.AsSpan(0, Math.Min(value.Length, 256)), bytes);
        TextReplyWriter.WriteStat(output, name, bytes.Slice(0, length));
    }

    public void YesNo(ReadOnlySpan<byte> name, bool value) => Text(name, value ? "yes"u8 : "no"u8);

    /// <summary>printf "%.Nf".</summary>
    public void Fixed(ReadOnlySpan<byte> name, double value, int decimals)
    {
        Span<byte> text = stackalloc byte[64];
        ReadOnlySpan<char> format = decimals switch
        {
            3 => "F3",
            6 => "F6",
            _ => "F2",
        };
        value.TryFormat(text, out int length, format, CultureInfo.InvariantCulture);
        TextReplyWriter.WriteStat(output, name, text.Slice(0, length));
    }

    /// <summary>"%ld.%06ld" of a duration, as memcached prints rusage times.</summary>
    public void Seconds(ReadOnlySpan<byte> name, TimeSpan duration)
    {
        long micros = duration.Ticks / 10;
        Span<byte> text = stackalloc byte[32];
        (micros / 1_000_000).TryFormat(text, out int length);
        text[length++] = (byte)'.';
        (micros % 1_000_000).TryFormat(text.Slice(length), out int fraction, "D6");
        TextReplyWriter.WriteStat(output, name, text.Slice(0, length + fraction));
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// Renders a binary reply as text, one line per packet with every header field, so the text comparison, the mask
/// and the failure message work for binary cases unchanged. A stat packet is followed by a "STAT name value" line and
/// a version reply by a "VERSION x" line, which <see cref="ReplyMask"/> masks as it masks the text replies. Bytes
/// that do not form a whole packet are rendered as a "TRAILING" line.
/// </summary>
internal static class BinaryReplyText
{
    private const int HeaderSize = 24;

    public static byte[] Render(byte[] reply)
    {
        var text = new StringBuilder();
        ReadOnlySpan<byte> rest = reply;
        while (rest.Length >= HeaderSize)
        {
            uint bodyLength = BinaryPrimitives.ReadUInt32BigEndian(rest[8..]);
            if (rest.Length - HeaderSize < bodyLength)
            {
                break;
            }

            byte opcode = rest[1];
            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
            int extrasLength = rest[4];
            ushort status = BinaryPrimitives.ReadUInt16BigEndian(rest[6..]);
            ReadOnlySpan<byte> body = rest.Slice(HeaderSize, (int)bodyLength);
            bool framed = extrasLength + keyLength <= body.Length;
            ReadOnlySpan<byte> extras = framed ? body[..extrasLength] : default;
            ReadOnlySpan<byte> key = framed ? body.Slice(extrasLength, keyLength) : default;
            ReadOnlySpan<byte> value = framed ? body[(extrasLength + keyLength)..] : body;
            bool stat = opcode == 0x10 && status == 0 && keyLength > 0;
            bool version = opcode == 0x0b && status == 0;
            text.Append(CultureInfo.InvariantCulture,
                $"RES magic={rest[0]:x2} op={opcode:x2} keylen={keyLength} extlen={extrasLength} type={rest[5]:x2} status={status:x4} opaque={BinaryPrimitives.ReadUInt32BigEndian(rest[12..]):x8} cas={BinaryPrimitives.ReadUInt64BigEndian(rest[16..])}");
            if (stat || version)
            {
                // The value (and so the body length) follows on its own line, where the mask can reach it.
                text.Append(CultureInfo.InvariantCulture, $" extras={Convert.ToHexStringLower(extras)}\r\n");
                text.Append(stat ? $"STAT {ByteText.Escape(key)} {ByteText.Escape(value)}\r\n" : $"VERSION {ByteText.Escape(value)}\r\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $" bodylen={bodyLength} extras={Convert.ToHexStringLower(extras)} key={ByteText.Escape(key)} value={ByteText.Escape(value)}\r\n");
            }

            rest = rest[(HeaderSize + (int)bodyLength)..];
        }

        if (!rest.IsEmpty)
        {
            text.Append(CultureInfo.InvariantCulture, $"TRAILING {ByteText.Escape(rest)}\r\n");
        }

        return Encoding.Latin1.GetBytes(text.ToString());
    }
}

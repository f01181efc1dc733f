using System.Buffers;
using System.Text;
using Trove.Protocol.Binary;
using Trove.Protocol.Meta;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests;

/// <summary>Key limits above memcached's 250 (store mode's --max-key-length) in the meta, binary and line parsers.</summary>
public sealed class LongKeyParsingTests
{
    private const int Limit = 60_000;

    private static (MetaParseError Error, byte[] Key, int DataLength, MetaFlags Flags) Parse(string line, int maxKeyLength)
    {
        byte[] keyBuffer = new byte[MetaRequest.KeyBufferLengthFor(maxKeyLength)];
        MetaRequest r = MetaCommandParser.Parse(Encoding.Latin1.GetBytes(line), keyBuffer, maxKeyLength);
        return (r.Error, r.Key.ToArray(), r.DataLength, r.Flags);
    }

    private static string Key(int length) => new('k', length);

    private static string Suffix(string command) => command == "ms" ? " 5 T0" : "";

    [Theory]
    [InlineData("mg")]
    [InlineData("ms")]
    [InlineData("md")]
    [InlineData("ma")]
    [InlineData("me")]
    public void PlainKeysUpToTheLimitAreAcceptedAndOneMoreIsRefusedAsMemcachedRefuses(string command)
    {
        var fits = Parse($"{command} {Key(Limit)}{Suffix(command)}", Limit);
        Assert.Equal(MetaParseError.None, fits.Error);
        Assert.Equal(Limit, fits.Key.Length);

        var over = Parse($"{command} {Key(Limit + 1)}{Suffix(command)}", Limit);
        Assert.Equal(MetaParseError.BadCommandLineFormat, over.Error);
        Assert.Equal(-1, over.DataLength); // as for memcached's 251 bytes: the data is not swallowed
    }

    [Theory]
    [InlineData("mg", " v")]
    [InlineData("ms", " 5 T0")]
    [InlineData("md", " q")]
    public void Base64KeysCountByTheirDecodedLength(string command, string rest)
    {
        byte[] key = Enumerable.Range(0, Limit).Select(i => (byte)i).ToArray();
        string encoded = Convert.ToBase64String(key);
        Assert.True(encoded.Length > Limit);

        var fits = Parse($"{command} {encoded}{rest} b", Limit);
        Assert.Equal(MetaParseError.None, fits.Error);
        Assert.Equal(key, fits.Key);
        Assert.True(fits.Flags.HasFlag(MetaFlags.Base64Key));

        string tooLong = Convert.ToBase64String(new byte[Limit + 1]);
        var over = Parse($"{command} {tooLong}{rest} b", Limit);
        Assert.Equal(MetaParseError.BadCommandLineFormat, over.Error);
        Assert.Equal(-1, over.DataLength);
    }

    [Fact]
    public void ATokenLongerThanAnyEncodedKeyIsRefusedBeforeDecoding()
    {
        int longest = MetaRequest.MaxKeyTokenLength(Limit);
        Assert.Equal(MetaBase64.EncodedLength(Limit), longest);
        Assert.Equal(MetaParseError.BadCommandLineFormat, Parse($"mg {Key(longest + 1)} b", Limit).Error);
        Assert.True(MetaRequest.KeyBufferLengthFor(Limit) >= MetaBase64.MaxDecodedLength(longest));
    }

    [Fact]
    public void AtMemcachedsLimitEverythingIsAsBefore()
    {
        Assert.Equal(250, MetaRequest.MaxKeyTokenLength(250));
        Assert.Equal(MetaRequest.KeyBufferLength, MetaRequest.KeyBufferLengthFor(250));
        Assert.Equal(MetaParseError.BadCommandLineFormat, Parse("mg " + Key(251), 250).Error);
        // memcached judges a base64 key by its encoded length: 189 decoded bytes are refused at 250.
        Assert.Equal(MetaParseError.BadCommandLineFormat, Parse("mg " + Convert.ToBase64String(new byte[189]) + " b", 250).Error);
    }

    [Fact]
    public void ALimitBetweenIsHonouredExactly()
    {
        Assert.Equal(MetaParseError.None, Parse("ms " + Key(300) + " 1", 300).Error);
        Assert.Equal(MetaParseError.BadCommandLineFormat, Parse("ms " + Key(301) + " 1", 300).Error);
        Assert.Equal(MetaParseError.None, Parse("mg " + Convert.ToBase64String(new byte[300]) + " b", 300).Error);
        Assert.Equal(MetaParseError.BadCommandLineFormat, Parse("mg " + Convert.ToBase64String(new byte[301]) + " b", 300).Error);
    }

    [Theory]
    [InlineData(BinaryOpcode.Get, 0)]
    [InlineData(BinaryOpcode.Set, 8)]
    [InlineData(BinaryOpcode.Delete, 0)]
    public void BinaryKeysUpToTheLimitAreValid(BinaryOpcode opcode, int extras)
    {
        var fits = new BinaryHeader { Magic = 0x80, Opcode = (byte)opcode, ExtrasLength = (byte)extras, KeyLength = Limit, BodyLength = (uint)(Limit + extras) };
        var over = new BinaryHeader { Magic = 0x80, Opcode = (byte)opcode, ExtrasLength = (byte)extras, KeyLength = Limit + 1, BodyLength = (uint)(Limit + 1 + extras) };
        Assert.Equal(BinaryShape.Valid, BinaryRequestShape.Of(in fits, Limit));
        Assert.Equal(BinaryShape.InvalidArguments, BinaryRequestShape.Of(in over, Limit));
        Assert.Equal(BinaryShape.InvalidArguments, BinaryRequestShape.Of(in fits));
    }

    [Fact]
    public void BinaryRequestWithALongKeyNeedsMoreDataOnEveryPrefixOfItsFrame()
    {
        byte[] key = Encoding.ASCII.GetBytes(Key(1000));
        byte[] packet = new byte[24 + key.Length];
        new BinaryHeader { Magic = 0x80, Opcode = (byte)BinaryOpcode.Get, KeyLength = (ushort)key.Length, BodyLength = (uint)key.Length }.Write(packet);
        key.CopyTo(packet, 24);
        for (int length = 0; length < packet.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(packet, 0, length));
            Assert.Equal(OperationStatus.NeedMoreData, BinaryRequestParser.TryParse(ref reader, out _, out _));
            Assert.Equal(0, reader.Consumed);
        }

        var whole = new SequenceReader<byte>(Sequences.Split(packet, 30, 600));
        Assert.Equal(OperationStatus.Done, BinaryRequestParser.TryParse(ref whole, out BinaryRequest request, out _));
        Assert.Equal(key, request.Key.ToArray());
    }

    [Fact]
    public void ALongMetaLineNeedsMoreDataOnEveryPrefixAndIsReadWhole()
    {
        string line = "mg " + Convert.ToBase64String(new byte[Limit]) + " b v\r\n";
        byte[] bytes = Encoding.ASCII.GetBytes(line + "next");
        int lineEnd = line.Length;
        // Every prefix short of the newline (checked at a stride: the line is 80,000 bytes).
        for (int length = 0; length < lineEnd; length += length < 3000 ? 1 : 997)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.Equal(OperationStatus.NeedMoreData, TextLineReader.TryReadLine(ref reader, out _, Limit));
            Assert.Equal(0, reader.Consumed);
        }

        var whole = new SequenceReader<byte>(Sequences.Split(bytes, 4096, 40_000));
        Assert.Equal(OperationStatus.Done, TextLineReader.TryReadLine(ref whole, out ReadOnlySequence<byte> found, Limit));
        Assert.Equal(line.Length - 1, found.Length);
        Assert.Equal("next", Encoding.ASCII.GetString(whole.UnreadSequence.ToArray()));
    }

    [Fact]
    public void LongLinesStayJunkForOtherCommandsAndAtMemcachedsLimit()
    {
        byte[] meta = Encoding.ASCII.GetBytes("mg " + Key(20_000) + "\n");
        byte[] set = Encoding.ASCII.GetBytes("set " + Key(20_000) + " 0 0 1\n");
        var atDefault = new SequenceReader<byte>(new ReadOnlySequence<byte>(meta));
        var raised = new SequenceReader<byte>(new ReadOnlySequence<byte>(meta));
        var text = new SequenceReader<byte>(new ReadOnlySequence<byte>(set));

        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref atDefault, out _));
        Assert.Equal(OperationStatus.Done, TextLineReader.TryReadLine(ref raised, out _, Limit));
        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref text, out _, Limit));
    }

    [Fact]
    public void AnUnterminatedMetaLineIsJunkOnceLongerThanAnyKeyAllows()
    {
        int longest = TextLineReader.MaxMetaLineLength(Limit);
        var waiting = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("mg " + Key(longest - 4))));
        var junk = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("mg " + Key(longest))));

        Assert.Equal(OperationStatus.NeedMoreData, TextLineReader.TryReadLine(ref waiting, out _, Limit));
        Assert.Equal(OperationStatus.InvalidData, TextLineReader.TryReadLine(ref junk, out _, Limit));
    }
}

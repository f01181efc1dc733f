using System.Text;
using Trove.Protocol.Meta;

namespace Trove.Protocol.Tests;

// Every expected error below was produced by sending the same line to memcached 1.6.18 (memcached -U 0 on
// loopback, python sockets) and reading its reply; the comment on a case names that reply when it is surprising.
public sealed class MetaCommandParserTests
{
    private sealed record Parsed(
        MetaCommandKind Command,
        MetaParseError Error,
        string Key,
        MetaFlags Flags,
        string FlagTokens,
        int DataLength,
        int Ttl,
        int VivifyTtl,
        int RecacheTtl,
        uint ClientFlags,
        ulong CompareCas,
        ulong Initial,
        ulong Delta,
        char Mode,
        bool OpaqueTooLong);

    private static Parsed Parse(string line)
    {
        Span<byte> keyBuffer = stackalloc byte[MetaRequest.KeyBufferLength];
        MetaRequest r = MetaCommandParser.Parse(Encoding.Latin1.GetBytes(line), keyBuffer);
        return new Parsed(r.Command, r.Error, Encoding.Latin1.GetString(r.Key), r.Flags, Encoding.Latin1.GetString(r.FlagTokens),
            r.DataLength, r.Ttl, r.VivifyTtl, r.RecacheTtl, r.ClientFlags, r.CompareCas, r.Initial, r.Delta, (char)r.Mode, r.OpaqueTooLong);
    }

    private static MetaParseError ErrorOf(string line) => Parse(line).Error;

    [Theory]
    [InlineData("mg foo", MetaCommandKind.Get)]
    [InlineData("ms foo 1", MetaCommandKind.Set)]
    [InlineData("md foo", MetaCommandKind.Delete)]
    [InlineData("ma foo", MetaCommandKind.Arithmetic)]
    [InlineData("mn", MetaCommandKind.NoOp)]
    [InlineData("me foo", MetaCommandKind.Debug)]
    public void RecognizesTheSixCommands(string line, MetaCommandKind kind)
    {
        Parsed parsed = Parse(line);
        Assert.Equal(MetaParseError.None, parsed.Error);
        Assert.Equal(kind, parsed.Command);
    }

    [Theory]
    [InlineData("mx foo")]
    [InlineData("mgg foo")]
    [InlineData("get foo")]
    public void OtherCommandTokensAreErrors(string line)
    {
        Assert.Equal(MetaParseError.Error, ErrorOf(line));
    }

    [Fact]
    public void NoOpIgnoresEverythingAfterIt()
    {
        Assert.Equal(MetaParseError.None, ErrorOf("mn foo bar x x"));
    }

    [Fact]
    public void GetWithoutFlagsIsValid()
    {
        Parsed parsed = Parse("mg foo");
        Assert.Equal("foo", parsed.Key);
        Assert.Equal(MetaFlags.None, parsed.Flags);
        Assert.Equal("", parsed.FlagTokens);
    }

    [Fact]
    public void EveryFlagSetsItsBit()
    {
        Parsed parsed = Parse("mg Zm9v b c f h k l q s t u v I O1 P L N1 R1");
        Assert.Equal(MetaParseError.None, parsed.Error);
        Assert.Equal(
            MetaFlags.Base64Key | MetaFlags.ReturnCas | MetaFlags.ReturnFlags | MetaFlags.ReturnHit | MetaFlags.ReturnKey
            | MetaFlags.ReturnLastAccess | MetaFlags.Quiet | MetaFlags.ReturnSize | MetaFlags.ReturnTtl | MetaFlags.NoBump
            | MetaFlags.ReturnValue | MetaFlags.Invalidate | MetaFlags.Opaque | MetaFlags.ProxyPath | MetaFlags.ProxyLabel
            | MetaFlags.Vivify | MetaFlags.Recache,
            parsed.Flags);
        parsed = Parse("ma foo T1 F1 C1 MI J1 D1");
        Assert.Equal(MetaParseError.None, parsed.Error);
        Assert.Equal(MetaFlags.Ttl | MetaFlags.ClientFlags | MetaFlags.CompareCas | MetaFlags.Mode | MetaFlags.Initial | MetaFlags.Delta, parsed.Flags);
    }

    [Fact]
    public void TokenFlagsCarryTheirValues()
    {
        Parsed parsed = Parse("ms foo 5 T-1 N30 R7 F4294967295 C18446744073709551615 ME J9 D3");
        Assert.Equal(MetaParseError.None, parsed.Error);
        Assert.Equal(5, parsed.DataLength);
        Assert.Equal(-1, parsed.Ttl);
        Assert.Equal(30, parsed.VivifyTtl);
        Assert.Equal(7, parsed.RecacheTtl);
        Assert.Equal(uint.MaxValue, parsed.ClientFlags);
        Assert.Equal(ulong.MaxValue, parsed.CompareCas);
        Assert.Equal('E', parsed.Mode);
        Assert.Equal(9UL, parsed.Initial);
        Assert.Equal(3UL, parsed.Delta);
    }

    [Fact]
    public void DeltaDefaultsToOneAndModeToNothing()
    {
        Parsed parsed = Parse("ma foo");
        Assert.Equal(1UL, parsed.Delta);
        Assert.Equal(0UL, parsed.Initial);
        Assert.Equal('\0', parsed.Mode);
    }

    [Fact]
    public void FlagTokensKeepRequestOrderForReplies()
    {
        Assert.Equal(" v  k O9 c", Parse("mg foo v  k O9 c").FlagTokens);
        Assert.Equal(" c k", Parse("ms foo 2 c k").FlagTokens);
    }

    [Fact]
    public void SpacesSeparateTokensButTabsDoNot()
    {
        Parsed parsed = Parse("mg   foo\tbar    v  ");
        Assert.Equal("foo\tbar", parsed.Key);
        Assert.Equal(MetaFlags.ReturnValue, parsed.Flags);
        // "mg nul v\tt": the flag token is "v\tt", which is just v.
        Assert.Equal(MetaFlags.ReturnValue, Parse("mg foo v\tt").Flags);
    }

    [Fact]
    public void NulEndsTheLine()
    {
        // memcached 1.6.18: "mg nul t\0 v" answers "HD t99".
        Parsed parsed = Parse("mg foo t\0 v");
        Assert.Equal(MetaFlags.ReturnTtl, parsed.Flags);
        Assert.Equal(MetaParseError.Error, ErrorOf("mg\0 foo"));
    }

    [Theory]
    [InlineData("mg")]
    [InlineData("mg ")]
    [InlineData("ms")]
    [InlineData("md")]
    [InlineData("ma")]
    public void MissingKeyIsError(string line)
    {
        Assert.Equal(MetaParseError.Error, ErrorOf(line));
    }

    [Fact]
    public void DebugWithoutKeyIsBadFormat()
    {
        Assert.Equal(MetaParseError.BadCommandLineFormat, ErrorOf("me"));
    }

    [Theory]
    [InlineData("mg")]
    [InlineData("ms")]
    [InlineData("md")]
    [InlineData("ma")]
    [InlineData("me")]
    public void KeysUpTo250BytesAreAccepted(string command)
    {
        string line = command + " " + new string('k', 250) + (command == "ms" ? " 1" : "");
        Assert.Equal(MetaParseError.None, ErrorOf(line));
        Assert.Equal(MetaParseError.BadCommandLineFormat, ErrorOf(command + " " + new string('k', 251) + (command == "ms" ? " 1" : "")));
    }

    [Fact]
    public void KeyLengthIsCheckedBeforeDecoding()
    {
        // 252 base64 characters decode to 189 bytes, but the wire length is over 250: bad command line format.
        string encoded = Convert.ToBase64String(new byte[189]);
        Assert.Equal(MetaParseError.BadCommandLineFormat, ErrorOf("mg " + encoded + " b"));
        string fits = Convert.ToBase64String(new byte[186]);
        Parsed parsed = Parse("mg " + fits + " b");
        Assert.Equal(MetaParseError.None, parsed.Error);
        Assert.Equal(186, parsed.Key.Length);
    }

    [Fact]
    public void Base64KeyIsDecodedIntoTheKeyBuffer()
    {
        Parsed parsed = Parse("mg AAEgYmlu/w== b k");
        Assert.Equal("\0\u0001 bin\u00ff", parsed.Key);
        Assert.True(parsed.Flags.HasFlag(MetaFlags.Base64Key));
    }

    [Theory]
    [InlineData("mg YQ b")]
    [InlineData("mg Y=== b")]
    [InlineData("mg ====b b")]
    [InlineData("ms foo 2 O1 k c b")]
    public void UndecodableKeysAreRejected(string line)
    {
        Assert.Equal(MetaParseError.ErrorDecodingKey, ErrorOf(line));
    }

    [Fact]
    public void DebugDecodesOnlyWhenTheThirdTokenIsExactlyB()
    {
        Assert.Equal("abc", Parse("me YWJj b").Key);
        Assert.Equal("abc", Parse("me YWJj  b x").Key);
        Assert.Equal("YWJj", Parse("me YWJj bx").Key);
        Assert.Equal("YWJj", Parse("me YWJj x b").Key);
        Assert.Equal(MetaParseError.BadCommandLineFormat, ErrorOf("me a*a b"));
    }

    [Theory]
    [InlineData("mg foo v v", MetaParseError.DuplicateFlag)]
    [InlineData("mg foo P Lx Py", MetaParseError.DuplicateFlag)]
    [InlineData("mg foo \u00ff", MetaParseError.DuplicateFlag)]
    [InlineData("mg foo \u007f", MetaParseError.DuplicateFlag)]
    [InlineData("mg foo x", MetaParseError.InvalidFlag)]
    [InlineData("mg foo E5", MetaParseError.InvalidFlag)]
    [InlineData("mg foo ~", MetaParseError.InvalidFlag)]
    [InlineData("mg foo T", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Tx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo T5x", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo T0x10", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo N", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo R", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Cx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Fx", MetaParseError.BadCommandLineFormat)]
    [InlineData("mg foo F-1", MetaParseError.BadCommandLineFormat)]
    [InlineData("mg foo M", MetaParseError.IncorrectLengthForModeToken)]
    [InlineData("mg foo Mxx", MetaParseError.IncorrectLengthForModeToken)]
    [InlineData("mg foo J", MetaParseError.InvalidNumericInitialValue)]
    [InlineData("mg foo Jx", MetaParseError.InvalidNumericInitialValue)]
    [InlineData("mg foo Dx", MetaParseError.InvalidNumericDeltaValue)]
    [InlineData("mg foo D18446744073709551616", MetaParseError.InvalidNumericDeltaValue)]
    public void GetReportsTheSpecificFlagError(string line, MetaParseError expected)
    {
        Assert.Equal(expected, ErrorOf(line));
    }

    [Theory]
    [InlineData("mg foo Cx Tx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Fx Tx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Tx Fx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg foo Tx Jx", MetaParseError.InvalidNumericInitialValue)]
    [InlineData("mg foo Jx Dx", MetaParseError.InvalidNumericDeltaValue)]
    [InlineData("mg YQ b Tx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("mg YQ Tx b", MetaParseError.ErrorDecodingKey)]
    [InlineData("mg foo Tx x", MetaParseError.InvalidFlag)]
    [InlineData("mg foo x Tx", MetaParseError.InvalidFlag)]
    [InlineData("mg foo Tx v v", MetaParseError.DuplicateFlag)]
    public void TheLastNamedErrorWinsUnlessParsingStops(string line, MetaParseError expected)
    {
        Assert.Equal(expected, ErrorOf(line));
    }

    [Theory]
    [InlineData("md foo Tx")]
    [InlineData("md foo x")]
    [InlineData("md foo v v")]
    [InlineData("ma foo D-1")]
    [InlineData("ma foo Jx")]
    [InlineData("ma foo x")]
    [InlineData("md YQ b")]
    public void DeleteAndArithmeticHideTheReason(string line)
    {
        Assert.Equal(MetaParseError.InvalidOrDuplicateFlag, ErrorOf(line));
    }

    [Fact]
    public void DeleteAcceptsFlagsItDoesNotUse()
    {
        Assert.Equal(MetaParseError.None, ErrorOf("md foo v s t f c h l u N5 R5 F5 MS J1 D1 q"));
    }

    [Fact]
    public void ThereIsRoomFor17FlagsAfterAKey()
    {
        const string flags = "v s t f c k h l O1 P L u T0 R5 N5 I F1 C1";
        string seventeen = string.Join(' ', flags.Split(' ')[..17]);
        Assert.Equal(MetaParseError.None, ErrorOf("mg a " + seventeen));
        Assert.Equal(MetaParseError.OptionsFlagsAreTooLong, ErrorOf("mg a " + flags));
        Assert.Equal(MetaParseError.OptionsFlagsTooLong, ErrorOf("md a " + flags));
        Assert.Equal(MetaParseError.OptionsFlagsTooLong, ErrorOf("ma a " + flags));
        // ms has its data length as a third token, so 16 flags fit.
        Assert.Equal(MetaParseError.None, ErrorOf("ms a 1 " + string.Join(' ', flags.Split(' ')[..16])));
        Parsed tooMany = Parse("ms a 1 " + seventeen);
        Assert.Equal(MetaParseError.OptionsFlagsTooLong, tooMany.Error);
        Assert.Equal(-1, tooMany.DataLength);
    }

    [Fact]
    public void TooManyFlagsIsReportedBeforeFlagErrors()
    {
        Assert.Equal(MetaParseError.OptionsFlagsAreTooLong, ErrorOf("mg a x x x x x x x x x x x x x x x x x x"));
    }

    [Theory]
    [InlineData("ms foo")]
    [InlineData("ms foo x")]
    [InlineData("ms foo -1")]
    [InlineData("ms foo 2x")]
    [InlineData("ms foo 2147483646")]
    [InlineData("ms foo 2147483647")]
    public void SetLinesWithoutAUsableLengthAreBadFormatAndSwallowNothing(string line)
    {
        Parsed parsed = Parse(line);
        Assert.Equal(MetaParseError.BadCommandLineFormat, parsed.Error);
        Assert.Equal(-1, parsed.DataLength);
    }

    [Theory]
    [InlineData("ms foo 4294967298", 2)]
    [InlineData("ms foo +2", 2)]
    [InlineData("ms foo 2147483645", int.MaxValue - 2)]
    public void SetLengthParsesLikeSafeStrtol(string line, int expected)
    {
        Assert.Equal(expected, Parse(line).DataLength);
    }

    [Theory]
    [InlineData("ms foo 2 Tx", MetaParseError.BadTokenInCommandLineFormat)]
    [InlineData("ms foo 2 x", MetaParseError.InvalidFlag)]
    [InlineData("ms foo 2 c c", MetaParseError.DuplicateFlag)]
    [InlineData("ms foo 2 MX", MetaParseError.InvalidSetMode)]
    [InlineData("ms foo 2 Ms", MetaParseError.InvalidSetMode)]
    [InlineData("ms foo 2 MEE", MetaParseError.IncorrectLengthForModeToken)]
    [InlineData("ms foo 2 O123456789012345678901234567890123", MetaParseError.OpaqueTokenTooLong)]
    [InlineData("ms foo 2 O123456789012345678901234567890123 MX", MetaParseError.InvalidSetMode)]
    [InlineData("ms foo 2 MX O123456789012345678901234567890123", MetaParseError.InvalidSetMode)]
    [InlineData("ms foo 2 F-1", MetaParseError.BadCommandLineFormat)]
    public void SetErrorsAfterTheLengthKeepItSoTheDataIsSwallowed(string line, MetaParseError expected)
    {
        Parsed parsed = Parse(line);
        Assert.Equal(expected, parsed.Error);
        Assert.Equal(2, parsed.DataLength);
    }

    [Theory]
    [InlineData('E')]
    [InlineData('A')]
    [InlineData('P')]
    [InlineData('R')]
    [InlineData('S')]
    public void SetAcceptsItsFiveModes(char mode)
    {
        Assert.Equal(MetaParseError.None, ErrorOf("ms foo 2 M" + mode));
    }

    [Theory]
    [InlineData('I', MetaParseError.None)]
    [InlineData('+', MetaParseError.None)]
    [InlineData('D', MetaParseError.None)]
    [InlineData('-', MetaParseError.None)]
    [InlineData('i', MetaParseError.InvalidArithmeticMode)]
    [InlineData('X', MetaParseError.InvalidArithmeticMode)]
    public void ArithmeticAcceptsItsFourModes(char mode, MetaParseError expected)
    {
        Assert.Equal(expected, ErrorOf("ma foo M" + mode));
    }

    [Fact]
    public void GetIgnoresModes()
    {
        Assert.Equal(MetaParseError.None, ErrorOf("mg foo MX"));
    }

    [Fact]
    public void OpaqueUpTo31BytesIsFine()
    {
        Assert.False(Parse("mg foo O1234567890123456789012345678901").OpaqueTooLong);
        Assert.True(Parse("mg foo O12345678901234567890123456789012").OpaqueTooLong);
    }

    [Fact]
    public void LongOpaqueIsLeftToTheExecutorForGetAndArithmetic()
    {
        const string opaque = " O12345678901234567890123456789012";
        Assert.Equal(MetaParseError.None, ErrorOf("mg foo" + opaque));
        Assert.Equal(MetaParseError.None, ErrorOf("ma foo" + opaque));
        Assert.Equal(MetaParseError.OpaqueTokenTooLong, ErrorOf("md foo" + opaque));
        Assert.Equal(MetaParseError.InvalidOrDuplicateFlag, ErrorOf("md foo" + opaque + " x"));
    }

    [Fact]
    public void EveryErrorHasItsReplyLine()
    {
        foreach (MetaParseError error in Enum.GetValues<MetaParseError>())
        {
            ReadOnlySpan<byte> reply = MetaParseErrors.Reply(error);
            if (error == MetaParseError.None)
            {
                Assert.True(reply.IsEmpty);
                continue;
            }
            Assert.True(reply.EndsWith("\r\n"u8));
            Assert.True(reply.StartsWith("CLIENT_ERROR "u8) || reply.SequenceEqual("ERROR\r\n"u8));
        }
        Assert.Equal("CLIENT_ERROR options flags are too long\r\n", Encoding.ASCII.GetString(MetaParseErrors.Reply(MetaParseError.OptionsFlagsAreTooLong)));
    }
}

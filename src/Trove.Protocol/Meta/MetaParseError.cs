namespace Trove.Protocol.Meta;

/// <summary>Why a meta command line was rejected; each maps to memcached 1.6.18's exact reply line.</summary>
public enum MetaParseError : byte
{
    None,
    /// <summary>"ERROR": too few tokens for mg, ms, md or ma.</summary>
    Error,
    BadCommandLineFormat,
    BadTokenInCommandLineFormat,
    DuplicateFlag,
    InvalidFlag,
    /// <summary>md and ma report every flag parsing error this way.</summary>
    InvalidOrDuplicateFlag,
    ErrorDecodingKey,
    IncorrectLengthForModeToken,
    InvalidNumericInitialValue,
    InvalidNumericDeltaValue,
    /// <summary>mg's wording.</summary>
    OptionsFlagsAreTooLong,
    /// <summary>ms, md and ma's wording.</summary>
    OptionsFlagsTooLong,
    OpaqueTokenTooLong,
    InvalidSetMode,
    InvalidArithmeticMode,
}

/// <summary>The reply lines for <see cref="MetaParseError"/>.</summary>
public static class MetaParseErrors
{
    /// <summary>The full reply line, "\r\n" included. <see cref="MetaParseError.None"/> has none.</summary>
    public static ReadOnlySpan<byte> Reply(MetaParseError error) => error switch
    {
        MetaParseError.Error => "ERROR\r\n"u8,
        MetaParseError.BadCommandLineFormat => "CLIENT_ERROR bad command line format\r\n"u8,
        MetaParseError.BadTokenInCommandLineFormat => "CLIENT_ERROR bad token in command line format\r\n"u8,
        MetaParseError.DuplicateFlag => "CLIENT_ERROR duplicate flag\r\n"u8,
        MetaParseError.InvalidFlag => "CLIENT_ERROR invalid flag\r\n"u8,
        MetaParseError.InvalidOrDuplicateFlag => "CLIENT_ERROR invalid or duplicate flag\r\n"u8,
        MetaParseError.ErrorDecodingKey => "CLIENT_ERROR error decoding key\r\n"u8,
        MetaParseError.IncorrectLengthForModeToken => "CLIENT_ERROR incorrect length for M token\r\n"u8,
        MetaParseError.InvalidNumericInitialValue => "CLIENT_ERROR invalid numeric initial value\r\n"u8,
        MetaParseError.InvalidNumericDeltaValue => "CLIENT_ERROR invalid numeric delta value\r\n"u8,
        MetaParseError.OptionsFlagsAreTooLong => "CLIENT_ERROR options flags are too long\r\n"u8,
        MetaParseError.OptionsFlagsTooLong => "CLIENT_ERROR options flags too long\r\n"u8,
        MetaParseError.OpaqueTokenTooLong => "CLIENT_ERROR opaque token too long\r\n"u8,
        MetaParseError.InvalidSetMode => "CLIENT_ERROR invalid mode for ms M token\r\n"u8,
        MetaParseError.InvalidArithmeticMode => "CLIENT_ERROR invalid mode for ma M token\r\n"u8,
        _ => default,
    };
}

namespace Trove.Protocol.Binary;

/// <summary>Why <see cref="BinaryRequestParser.TryParse"/> returned InvalidData.</summary>
public enum BinaryParseError : byte
{
    None,
    /// <summary>The first byte is not 0x80: memcached closes the connection without a reply.</summary>
    BadMagic,
    /// <summary>Key and extras are longer than the body: memcached answers "Unknown command" and closes.</summary>
    BodyTooShort,
}

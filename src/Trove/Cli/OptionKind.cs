namespace Trove.Cli;

/// <summary>How a command-line value is read before it becomes a configuration value.</summary>
internal enum OptionKind
{
    /// <summary>A whole number, stored as is.</summary>
    Integer,
    /// <summary>Text, stored as is.</summary>
    Text,
    /// <summary>A decimal number such as a growth factor.</summary>
    Decimal,
    /// <summary>Megabytes (memcached -m), stored as bytes; k/m/g suffixes are accepted too.</summary>
    Megabytes,
    /// <summary>Bytes with an optional k/m/g suffix (memcached -I 1m), stored as bytes.</summary>
    Size,
    /// <summary>A switch that takes no value.</summary>
    Flag,
}

namespace Trove.Protocol.Binary;

/// <summary>
/// Opcodes of memcached's binary protocol (protocol_binary.h). The quiet variants (…Q) are the same command with
/// success replies suppressed; <see cref="BinaryOpcodes.Loud"/> maps them back.
/// </summary>
public enum BinaryOpcode : byte
{
    Get = 0x00,
    Set = 0x01,
    Add = 0x02,
    Replace = 0x03,
    Delete = 0x04,
    Increment = 0x05,
    Decrement = 0x06,
    Quit = 0x07,
    Flush = 0x08,
    GetQ = 0x09,
    Noop = 0x0a,
    Version = 0x0b,
    GetK = 0x0c,
    GetKQ = 0x0d,
    Append = 0x0e,
    Prepend = 0x0f,
    Stat = 0x10,
    SetQ = 0x11,
    AddQ = 0x12,
    ReplaceQ = 0x13,
    DeleteQ = 0x14,
    IncrementQ = 0x15,
    DecrementQ = 0x16,
    QuitQ = 0x17,
    FlushQ = 0x18,
    AppendQ = 0x19,
    PrependQ = 0x1a,
    /// <summary>Defined by the protocol but not implemented by memcached 1.6: answered "Unknown command".</summary>
    Verbosity = 0x1b,
    Touch = 0x1c,
    Gat = 0x1d,
    GatQ = 0x1e,
    SaslListMechs = 0x20,
    SaslAuth = 0x21,
    SaslStep = 0x22,
    GatK = 0x23,
    GatKQ = 0x24,
}

public static class BinaryOpcodes
{
    /// <summary>The non-quiet opcode of a quiet one (memcached's dispatch_bin_command mapping); others unchanged.</summary>
    public static BinaryOpcode Loud(BinaryOpcode opcode) => opcode switch
    {
        BinaryOpcode.SetQ => BinaryOpcode.Set,
        BinaryOpcode.AddQ => BinaryOpcode.Add,
        BinaryOpcode.ReplaceQ => BinaryOpcode.Replace,
        BinaryOpcode.DeleteQ => BinaryOpcode.Delete,
        BinaryOpcode.IncrementQ => BinaryOpcode.Increment,
        BinaryOpcode.DecrementQ => BinaryOpcode.Decrement,
        BinaryOpcode.QuitQ => BinaryOpcode.Quit,
        BinaryOpcode.FlushQ => BinaryOpcode.Flush,
        BinaryOpcode.AppendQ => BinaryOpcode.Append,
        BinaryOpcode.PrependQ => BinaryOpcode.Prepend,
        BinaryOpcode.GetQ => BinaryOpcode.Get,
        BinaryOpcode.GetKQ => BinaryOpcode.GetK,
        BinaryOpcode.GatQ => BinaryOpcode.Gat,
        BinaryOpcode.GatKQ => BinaryOpcode.GatK,
        _ => opcode,
    };

    /// <summary>Whether the opcode is a quiet variant.</summary>
    public static bool IsQuiet(BinaryOpcode opcode) => Loud(opcode) != opcode;
}

namespace Trove.Protocol.Binary;

/// <summary>What memcached's dispatch does with a request's lengths before running it.</summary>
public enum BinaryShape : byte
{
    /// <summary>Lengths fit the opcode: run it.</summary>
    Valid,
    /// <summary>Wrong extras, key or body for the opcode, or a key over the limit (memcached's 250): "Invalid arguments", then close.</summary>
    InvalidArguments,
    /// <summary>An opcode memcached does not implement: "Unknown command", the body length is discarded, the connection stays.</summary>
    UnknownCommand,
}

/// <summary>The per-opcode length rules of memcached 1.6.18's dispatch_bin_command.</summary>
public static class BinaryRequestShape
{
    /// <summary>Longest key memcached accepts (its internals keep 8-bit key lengths).</summary>
    public const int MaxKeyLength = 250;

    /// <summary>
    /// Checks a header whose lengths are consistent (<see cref="BinaryHeader.LengthsConsistent"/>). A key longer than
    /// <paramref name="maxKeyLength"/> (memcached's 250 unless store mode raised it; the header's u16 allows up to
    /// 65535) gets memcached's answer to a key over 250 bytes.
    /// </summary>
    public static BinaryShape Of(in BinaryHeader header, int maxKeyLength = MaxKeyLength)
    {
        int extras = header.ExtrasLength;
        int key = header.KeyLength;
        uint body = header.BodyLength;
        if (key > maxKeyLength)
        {
            return BinaryShape.InvalidArguments;
        }

        bool valid;
        switch (BinaryOpcodes.Loud(header.Command))
        {
            case BinaryOpcode.Version or BinaryOpcode.Noop or BinaryOpcode.Quit or BinaryOpcode.SaslListMechs:
                valid = extras == 0 && key == 0 && body == 0;
                break;
            case BinaryOpcode.Flush:
                valid = key == 0 && body == extras && extras is 0 or 4;
                break;
            case BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace:
                valid = extras == 8 && key != 0 && body >= key + 8;
                break;
            case BinaryOpcode.Get or BinaryOpcode.GetK:
                valid = extras == 0 && body == key && key > 0;
                break;
            case BinaryOpcode.Delete:
                valid = key > 0 && extras == 0 && body == key;
                break;
            case BinaryOpcode.Increment or BinaryOpcode.Decrement:
                valid = key > 0 && extras == 20 && body == key + extras;
                break;
            case BinaryOpcode.Append or BinaryOpcode.Prepend:
                valid = key > 0 && extras == 0;
                break;
            case BinaryOpcode.Stat:
                valid = extras == 0;
                break;
            case BinaryOpcode.SaslAuth or BinaryOpcode.SaslStep:
                valid = extras == 0 && key != 0;
                break;
            case BinaryOpcode.Touch or BinaryOpcode.Gat or BinaryOpcode.GatK:
                valid = extras == 4 && key != 0;
                break;
            default:
                return BinaryShape.UnknownCommand;
        }
        return valid ? BinaryShape.Valid : BinaryShape.InvalidArguments;
    }
}

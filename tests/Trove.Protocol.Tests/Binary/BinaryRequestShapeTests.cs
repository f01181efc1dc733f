using Trove.Protocol.Binary;

namespace Trove.Protocol.Tests.Binary;

public sealed class BinaryRequestShapeTests
{
    [Theory]
    [InlineData(BinaryOpcode.Get, 0, 3, 3u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.GetKQ, 0, 3, 3u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Get, 4, 3, 7u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Get, 0, 0, 0u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Get, 0, 3, 4u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Set, 8, 1, 9u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.SetQ, 8, 1, 100u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Set, 0, 1, 5u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Add, 8, 0, 9u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Append, 0, 1, 10u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Append, 8, 1, 10u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Increment, 20, 1, 21u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Increment, 8, 1, 9u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Increment, 20, 1, 22u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Delete, 0, 1, 1u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Delete, 0, 1, 2u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Flush, 0, 0, 0u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.FlushQ, 4, 0, 4u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Flush, 2, 0, 2u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Noop, 0, 0, 1u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Version, 0, 0, 0u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Quit, 0, 1, 1u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Stat, 0, 5, 5u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Stat, 4, 0, 4u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Touch, 4, 1, 5u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.GatKQ, 4, 1, 9u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.Gat, 0, 1, 1u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.SaslListMechs, 0, 0, 0u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.SaslAuth, 0, 5, 9u, BinaryShape.Valid)]
    [InlineData(BinaryOpcode.SaslAuth, 0, 0, 4u, BinaryShape.InvalidArguments)]
    [InlineData(BinaryOpcode.Verbosity, 4, 0, 4u, BinaryShape.UnknownCommand)]
    [InlineData((BinaryOpcode)0x50, 0, 0, 0u, BinaryShape.UnknownCommand)]
    public void ShapeFollowsMemcachedsLengthRules(BinaryOpcode opcode, int extras, int key, uint body, BinaryShape expected)
    {
        var header = new BinaryHeader { Magic = 0x80, Opcode = (byte)opcode, ExtrasLength = (byte)extras, KeyLength = (ushort)key, BodyLength = body };
        Assert.Equal(expected, BinaryRequestShape.Of(in header));
    }

    [Fact]
    public void AKeyOver250BytesIsInvalidEvenForAnUnknownOpcode()
    {
        var header = new BinaryHeader { Magic = 0x80, Opcode = 0x50, KeyLength = 251, BodyLength = 251 };
        Assert.Equal(BinaryShape.InvalidArguments, BinaryRequestShape.Of(in header));
    }

    [Theory]
    [InlineData(BinaryOpcode.GetQ, BinaryOpcode.Get)]
    [InlineData(BinaryOpcode.GatKQ, BinaryOpcode.GatK)]
    [InlineData(BinaryOpcode.QuitQ, BinaryOpcode.Quit)]
    [InlineData(BinaryOpcode.Get, BinaryOpcode.Get)]
    public void QuietOpcodesMapToTheirLoudForm(BinaryOpcode quiet, BinaryOpcode loud)
    {
        Assert.Equal(loud, BinaryOpcodes.Loud(quiet));
        Assert.Equal(quiet != loud, BinaryOpcodes.IsQuiet(quiet));
    }
}

using Trove.Server.Memcache;

namespace Trove.Server.Tests.Meta;

// memcached 1.6.18 counts, checked with "stats" around each command: mg counts cmd_get, or cmd_touch when T
// applied to an item (a miss with T is a get); nothing for rejected lines; cmd_meta grows only for me.
public sealed class MetaCounterTests
{
    [Theory]
    [InlineData("mg foo v\r\n", 1, 0)]
    [InlineData("mg foo v T10\r\n", 1, 0)]
    [InlineData("mg foo N10\r\n", 1, 0)]
    [InlineData("mg foo N10 T10\r\n", 0, 1)]
    [InlineData("ms foo 1\r\nx\r\nmg foo\r\n", 1, 0)]
    [InlineData("ms foo 1\r\nx\r\nmg foo T10\r\n", 0, 1)]
    [InlineData("mg foo Tx\r\n", 0, 0)]
    [InlineData("ms foo 1\r\nx\r\nmg foo O12345678901234567890123456789012345\r\n", 0, 0)]
    [InlineData("ms foo 1\r\nx\r\nmd foo\r\nma foo\r\nmn\r\n", 0, 0)]
    public void MetaGetCountsGetsAndTouches(string wire, long gets, long touches)
    {
        using var harness = new MetaHarness();
        harness.Run(wire);
        Assert.Equal(gets, harness.Context.Counters.Read(ProtocolCounter.CmdGet));
        Assert.Equal(touches, harness.Context.Counters.Read(ProtocolCounter.CmdTouch));
        Assert.Equal(0, harness.Context.Counters.Read(ProtocolCounter.CmdMeta));
    }

    [Theory]
    [InlineData("me foo\r\n", 1)]
    [InlineData("ms foo 1\r\nx\r\nme foo\r\n", 1)]
    [InlineData("me\r\n", 0)]
    [InlineData("mg foo\r\nms foo 1\r\nx\r\nmd foo\r\nma foo\r\nmn\r\n", 0)]
    public void OnlyMetaDebugCountsAsAMetaCommand(string wire, long metaCommands)
    {
        using var harness = new MetaHarness();
        harness.Run(wire);
        Assert.Equal(metaCommands, harness.Context.Counters.Read(ProtocolCounter.CmdMeta));
    }
}

namespace Trove.Server.Tests.Meta;

// Each expected reply was produced by memcached 1.6.18 for the same bytes on a fresh instance (see
// verify_against_memcached.py, which replays every pair here and reports any difference).
public sealed class MetaDebugTests
{
    [Theory]
    // mn answers MN whatever follows it.
    [InlineData("mn\r\nmn foo bar\r\nmn\n", "MN\r\nMN\r\nMN\r\n")]
    // me: exp is the negated TTL, la the seconds since last access, fetch whether it was read; me itself reads
    // nothing. size and cls are memcached's accounting of the item.
    [InlineData("ms e 2 T100 F3\r\nhi\r\nme e\r\nmg e v\r\nme e\r\n", "HD\r\nME e exp=-100 la=0 cas=1 fetch=no cls=1 size=66\r\nVA 2\r\nhi\r\nME e exp=-100 la=0 cas=1 fetch=yes cls=1 size=66\r\n")]
    [InlineData("ms e 2\r\nhi\r\n@@wait 2@@me e\r\n", "HD\r\nME e exp=-1 la=2 cas=1 fetch=no cls=1 size=62\r\n")]
    [InlineData("me e\r\nme\r\n", "EN\r\nCLIENT_ERROR bad command line format\r\n")]
    [InlineData("ms sz40 40\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nme sz40\r\nms sz41 41 F1\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nme sz41\r\n", "HD\r\nME sz40 exp=-1 la=0 cas=1 fetch=no cls=2 size=103\r\nHD\r\nME sz41 exp=-1 la=0 cas=2 fetch=no cls=2 size=108\r\n")]
    // b decodes the key only when it is exactly the third token.
    [InlineData("ms AAEgYmlu/w== 2 b\r\nhi\r\nme AAEgYmlu/w== b\r\nme AAEgYmlu/w==\r\nme AAEgYmlu/w==  b x\r\nme AAEgYmlu/w== bx\r\nme a*a b\r\n", "HD\r\nME AAEgYmlu/w== exp=-1 la=0 cas=1 fetch=no cls=1 size=68\r\nEN\r\nME AAEgYmlu/w== exp=-1 la=0 cas=1 fetch=no cls=1 size=68\r\nEN\r\nCLIENT_ERROR bad command line format\r\n")]
    public void DebugAndNoOpAnswerLikeMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(40, 2)]
    [InlineData(200, 6)]
    [InlineData(1000, 12)]
    [InlineData(10000, 22)]
    [InlineData(100000, 32)]
    [InlineData(524000, 39)]
    [InlineData(1048000, 39)]
    public void SizeAndClassAreMemcachedsForLargeValuesToo(int valueLength, int slabClass)
    {
        // Classes and sizes memcached 1.6.18 (-f 1.25, -I 1m) reported for "me sz<N>" after "ms sz<N> <N>".
        string key = "sz" + valueLength;
        string wire = "ms " + key + " " + valueLength + "\r\n" + new string('x', valueLength) + "\r\nme " + key + "\r\n";
        long size = 48 + 8 + key.Length + 1 + valueLength + 2;
        Assert.Equal("HD\r\nME " + key + " exp=-1 la=0 cas=1 fetch=no cls=" + slabClass + " size=" + size + "\r\n", MetaHarness.RunFresh(wire));
    }
}

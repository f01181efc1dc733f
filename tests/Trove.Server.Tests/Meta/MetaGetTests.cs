namespace Trove.Server.Tests.Meta;

// Each expected reply was produced by memcached 1.6.18 for the same bytes on a fresh instance (see
// verify_against_memcached.py, which replays every pair here and reports any difference).
public sealed class MetaGetTests
{
    [Theory]
    // Misses: EN, with O and k echoed in request order; q hides the miss.
    [InlineData("mg foo\r\n", "EN\r\n")]
    [InlineData("mg foo v s t c f\r\n", "EN\r\n")]
    [InlineData("mg foo k O123\r\nmg foo O9 k v\r\n", "EN kfoo O123\r\nEN O9 kfoo\r\n")]
    [InlineData("mg foo q\r\nmg foo k O1 q\r\nmn\r\n", "MN\r\n")]
    // Hits: HD without v, VA with it; flags come back in request order.
    [InlineData("ms foo 3 T0 F5\r\nabc\r\nmg foo\r\nmg foo v\r\n", "HD\r\nHD\r\nVA 3\r\nabc\r\n")]
    [InlineData("ms foo 3 F5\r\nabc\r\nmg foo s v f t c k O9 h l\r\n", "HD\r\nVA 3 s3 f5 t-1 c1 kfoo O9 h0 l0\r\nabc\r\n")]
    [InlineData("ms foo 3 F5\r\nabc\r\nmg foo O9 k c t f s\r\n", "HD\r\nHD O9 kfoo c1 t-1 f5 s3\r\n")]
    [InlineData("ms foo 3 F4294967295 T100\r\nabc\r\nmg foo f t\r\n", "HD\r\nHD f4294967295 t100\r\n")]
    // q does not hide a hit.
    [InlineData("ms foo 3\r\nabc\r\nmg foo q\r\nmg foo v q\r\n", "HD\r\nHD\r\nVA 3\r\nabc\r\n")]
    // h and l report the state before this access; u leaves the item unfetched.
    [InlineData("ms foo 1\r\nx\r\nmg foo h l\r\nmg foo h l\r\n", "HD\r\nHD h0 l0\r\nHD h1 l0\r\n")]
    [InlineData("ms foo 1\r\nx\r\nmg foo u\r\nmg foo h\r\nmg foo h\r\n", "HD\r\nHD\r\nHD h0\r\nHD h1\r\n")]
    [InlineData("ms foo 1\r\nx\r\n@@wait 2@@mg foo l h\r\nmg foo l\r\n", "HD\r\nHD l2 h0\r\nHD l2\r\n")]
    // Flags that mg accepts but ignores.
    [InlineData("ms foo 1\r\nx\r\nmg foo P L C5 F5 MX J1 D1 I\r\n", "HD\r\nHD\r\n")]
    // An empty value.
    [InlineData("ms foo 0\r\n\r\nmg foo v s\r\n", "HD\r\nVA 0 s0\r\n\r\n")]
    public void GetAnswersLikeMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // T touches a hit; t reports the TTL as of its position, before or after T.
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo t T100\r\nmg foo t\r\n", "HD\r\nHD t10\r\nHD t100\r\n")]
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo T100 t\r\n", "HD\r\nHD t100\r\n")]
    [InlineData("ms foo 1\r\nx\r\nmg foo T0 t\r\nmg foo T30 t\r\nmg foo T-0 t\r\n", "HD\r\nHD t-1\r\nHD t30\r\nHD t-1\r\n")]
    [InlineData("ms foo 1 T10\r\nx\r\n@@wait 2@@mg foo t v\r\n", "HD\r\nVA 1 t8\r\nx\r\n")]
    // A negative T expires the item at once; t shows memcached's wrapped difference.
    [InlineData("ms foo 1\r\nx\r\nmg foo T-1\r\nmg foo v\r\n", "HD\r\nHD\r\nEN\r\n")]
    // T on a miss does nothing.
    [InlineData("mg foo T30 t\r\n", "EN\r\n")]
    public void TouchAndTtlFollowRequestOrder(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // N vivifies an empty item and hands out the win token once; later callers see Z.
    [InlineData("mg foo N30 v c t s f\r\nmg foo N30 v c t s f\r\nmg foo v c t\r\n", "VA 0 c1 t30 s0 f0 W\r\n\r\nVA 0 c1 t30 s0 f0 Z\r\n\r\nVA 0 c1 t30 Z\r\n\r\n")]
    [InlineData("mg foo s t v N30\r\nmg foo t\r\n", "VA 0 s0 t-1 W\r\n\r\nHD t30 Z\r\n")]
    [InlineData("mg foo t N30 q\r\nmg foo t N30 q k\r\n", "HD t-1 W\r\nHD t30 kfoo Z\r\n")]
    [InlineData("mg foo N0 t\r\nmg foo t\r\n", "HD t-1 W\r\nHD t-1 Z\r\n")]
    // A created item takes whichever of N and T comes last.
    [InlineData("mg foo N30 T60 t\r\nmg foo t\r\n", "HD t60 W\r\nHD t60 Z\r\n")]
    [InlineData("mg foo T60 N30 t\r\nmg foo t\r\n", "HD t30 W\r\nHD t30 Z\r\n")]
    // A set clears the token; N on a hit does nothing.
    [InlineData("mg foo N30\r\nms foo 3\r\nnew\r\nmg foo N30 v c t\r\n", "HD W\r\nHD\r\nVA 3 c2 t-1\r\nnew\r\n")]
    // A miss that vivifies is counted as a hit; q does not hide it.
    [InlineData("mg foo N30 q\r\nmn\r\n", "HD W\r\nMN\r\n")]
    public void VivifyOnMissHandsOutOneWinToken(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // R wins when the remaining TTL is below the token, once.
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo R5 t\r\nmg foo R30 t\r\nmg foo R30 t\r\n", "HD\r\nHD t10\r\nHD t10 W\r\nHD t10 Z\r\n")]
    // Items without expiry never win.
    [InlineData("ms foo 1\r\nx\r\nmg foo R15 t\r\n", "HD\r\nHD t-1\r\n")]
    // R sees the expiry as of its position: after an earlier T, before a later one.
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo T20 R15 t\r\n", "HD\r\nHD t20\r\n")]
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo R15 T20 t\r\n", "HD\r\nHD t20 W\r\n")]
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo T5 R8 t\r\n", "HD\r\nHD t5 W\r\n")]
    // Negative and zero tokens never win.
    [InlineData("ms foo 1 T10\r\nx\r\nmg foo R-1\r\nmg foo R0\r\n", "HD\r\nHD\r\nHD\r\n")]
    public void RecacheWinsBelowTheThreshold(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // md I marks an item stale: the next mg wins (X W), later ones see Z X.
    [InlineData("ms foo 2 T100\r\nhi\r\nmd foo I T30\r\nmg foo c t v\r\nmg foo c t v\r\n", "HD\r\nHD\r\nVA 2 c2 t30 X W\r\nhi\r\nVA 2 c2 t30 Z X\r\nhi\r\n")]
    // Invalidating again hands out a new token.
    [InlineData("ms foo 2\r\nhi\r\nmd foo I\r\nmg foo c\r\nmd foo I\r\nmg foo c\r\nmg foo c\r\n", "HD\r\nHD\r\nHD c2 X W\r\nHD\r\nHD c3 X W\r\nHD c3 Z X\r\n")]
    // ms with I and an older CAS stores a stale value, keeping the old TTL and token state.
    [InlineData("ms foo 2 T100\r\nhi\r\nms foo 2 C0 I c T5\r\nST\r\nmg foo c v t\r\nmg foo c\r\n", "HD\r\nEX c0\r\nVA 2 c1 t100\r\nhi\r\nHD c1\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 I\r\nhi\r\nmg foo c\r\nms foo 2 C1 I c\r\nlo\r\nmg foo c v\r\nms foo 2 C1 I c\r\nzz\r\nmg foo c v t\r\n", "HD\r\nHD\r\nHD c2\r\nHD c3\r\nVA 2 c3 X W\r\nlo\r\nHD c4\r\nVA 2 c4 t-1 Z X\r\nzz\r\n")]
    // The CAS of the stale item itself is not "older": that is a plain cas store.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C1 I c\r\nok\r\nmg foo v\r\n", "HD\r\nHD c2\r\nVA 2\r\nok\r\n")]
    public void StaleItemsHandOutTheTokenOnce(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // Base64 keys: looked up decoded, echoed re-encoded (canonical) and followed by b.
    [InlineData("ms AAEgYmlu/w== 2 b\r\nhi\r\nmg AAEgYmlu/w== b k v O2\r\nmg AAEgYmlu/w== k b s\r\n", "HD\r\nVA 2 kAAEgYmlu/w== b O2\r\nhi\r\nHD kAAEgYmlu/w== b s2\r\n")]
    [InlineData("ms AAEgYmlu/w== 2 b\r\nhi\r\nmg AAEgYmlu/w== v\r\nmg AAEg*Ymlu/w== b k s\r\n", "HD\r\nEN\r\nHD kAAEgYmlu/w== b s2\r\n")]
    [InlineData("mg YQ==YQ== b k\r\nmg YWJj b k q\r\nmg YWJj b k O1\r\n", "EN kYQ== b\r\nEN kYWJj b O1\r\n")]
    public void Base64KeysAreDecodedAndEchoedEncoded(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    [InlineData("mg foo O12345678901234567890123456789012\r\n", "CLIENT_ERROR opaque token too long\r\n")]
    [InlineData("ms foo 1\r\nx\r\nmg foo v O12345678901234567890123456789012\r\n", "HD\r\nCLIENT_ERROR opaque token too long\r\n")]
    [InlineData("mg foo O1234567890123456789012345678901\r\n", "EN O1234567890123456789012345678901\r\n")]
    [InlineData("mg foo v v\r\nmg foo x\r\nmg foo Tx\r\nmg foo Fx\r\nmg YQ b\r\nmg\r\nmg \r\n", "CLIENT_ERROR duplicate flag\r\nCLIENT_ERROR invalid flag\r\nCLIENT_ERROR bad token in command line format\r\nCLIENT_ERROR bad command line format\r\nCLIENT_ERROR error decoding key\r\nERROR\r\nERROR\r\n")]
    [InlineData("mg a v s t f c k h l O1 P L u T0 R5 N5 I F1 C1\r\nmg a v s t f c k h l O1 P L u T0 R5 N5 I F1\r\n", "CLIENT_ERROR options flags are too long\r\nVA 0 s0 t-1 f0 c1 ka h0 l0 O1 W\r\n\r\n")]
    public void GetErrorsMatchMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // memcached 1.6.18 remembers per item whether ms stored it with b (ITEM_KEY_BINARY) and echoes a hit's key
    // that way, whatever the reading request said.
    [InlineData("ms abc 1\r\nx\r\nmg YWJj b v k\r\n", "HD\r\nVA 1 kabc\r\nx\r\n")]
    [InlineData("ms YWJj 1 b\r\nx\r\nmg abc v k\r\n", "HD\r\nVA 1 kYWJj b\r\nx\r\n")]
    [InlineData("ms YWJj 1 b\r\nx\r\nmg YWJj b v k\r\n", "HD\r\nVA 1 kYWJj b\r\nx\r\n")]
    public void AHitsKeyIsEchoedAsTheItemWasStored(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }
}

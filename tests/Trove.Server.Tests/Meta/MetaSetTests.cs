namespace Trove.Server.Tests.Meta;

// Each expected reply was produced by memcached 1.6.18 for the same bytes on a fresh instance (see
// verify_against_memcached.py, which replays every pair here and reports any difference).
public sealed class MetaSetTests
{
    [Theory]
    // HD, with c, k and O returned in request order; q hides only HD.
    [InlineData("ms foo 2\r\nhi\r\nmg foo v\r\n", "HD\r\nVA 2\r\nhi\r\n")]
    [InlineData("ms foo 2 c k O1\r\nhi\r\nms foo 2 O1 k c\r\nhi\r\n", "HD c1 kfoo O1\r\nHD O1 kfoo c2\r\n")]
    [InlineData("ms foo 2 c k O1 q\r\nhi\r\nmn\r\n", "MN\r\n")]
    [InlineData("ms foo 2 F4294967295 T100\r\nhi\r\nmg foo f t\r\n", "HD\r\nHD f4294967295 t100\r\n")]
    [InlineData("ms foo 2 F4294967296\r\nhi\r\nmg foo f\r\nms foo 2 F+7\r\nhi\r\nmg foo f\r\nms foo 2 F-0\r\nhi\r\nmg foo f\r\n", "HD\r\nHD f0\r\nHD\r\nHD f7\r\nHD\r\nHD f0\r\n")]
    [InlineData("ms foo 0\r\n\r\nmg foo v s\r\n", "HD\r\nVA 0 s0\r\n\r\n")]
    [InlineData("ms foo 4294967298\r\nhi\r\nmg foo v\r\n", "HD\r\nVA 2\r\nhi\r\n")]
    [InlineData("ms foo +2\r\nhi\r\nmg foo v\r\n", "HD\r\nVA 2\r\nhi\r\n")]
    // A value may hold any bytes, line breaks included.
    [InlineData("ms foo 6\r\na\r\nb\0c\r\nmg foo v\r\n", "HD\r\nVA 6\r\na\r\nb\0c\r\n")]
    // A negative T stores an item that is already expired.
    [InlineData("ms foo 1 T-1\r\nx\r\nmg foo v\r\n", "HD\r\nEN\r\n")]
    public void SetStoresLikeMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // ME is add, MA append, MP prepend, MR replace, MS set; c is 0 unless stored.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 ME c\r\nxx\r\nms bar 2 ME c\r\nyy\r\nmg foo v\r\nmg bar v\r\n", "HD\r\nNS c0\r\nHD c2\r\nVA 2\r\nhi\r\nVA 2\r\nyy\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 MA c\r\n+A\r\nms foo 2 MP\r\nP+\r\nmg foo v c\r\nms bar 2 MA c\r\nxx\r\nms bar 2 MP c q\r\nxx\r\n", "HD\r\nHD c2\r\nHD\r\nVA 6 c3\r\nP+hi+A\r\nNS c0\r\nNS c0\r\n")]
    [InlineData("ms foo 2 MR\r\nre\r\nms foo 2\r\nhi\r\nms foo 2 MR k\r\nre\r\nmg foo v\r\n", "NS\r\nHD\r\nHD kfoo\r\nVA 2\r\nre\r\n")]
    [InlineData("ms foo 2 MS\r\nse\r\nmg foo v\r\n", "HD\r\nVA 2\r\nse\r\n")]
    // Append and prepend keep the old flags and TTL.
    [InlineData("ms foo 2 F3 T100\r\nhi\r\nms foo 2 MA F9 T5\r\n++\r\nmg foo v f t\r\n", "HD\r\nHD\r\nVA 4 f3 t100\r\nhi++\r\n")]
    public void ModeSwitchesBetweenStoreCommands(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // C compares the CAS: EX on mismatch, NF on a miss, HD on a match; q does not hide them.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C5 c\r\nxx\r\nms foo 2 C5 q\r\nxx\r\nms foo 2 C1 c\r\nok\r\nmg foo v c\r\n", "HD\r\nEX c0\r\nEX\r\nHD c2\r\nVA 2 c2\r\nok\r\n")]
    [InlineData("ms foo 2 C1 c\r\nxx\r\nms foo 2 C1 q\r\nxx\r\n", "NF c0\r\nNF\r\n")]
    // With replace, C makes it a cas; with append and prepend a non-zero C is checked; add ignores it.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C9 MR\r\nxx\r\nms foo 2 C1 MR c\r\nok\r\n", "HD\r\nEX\r\nHD c2\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C9 MA\r\nxx\r\nms foo 2 C0 MA\r\n00\r\nms foo 2 C2 MP c\r\n11\r\nmg foo v\r\n", "HD\r\nEX\r\nHD\r\nHD c3\r\nVA 6\r\n11hi00\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C9 ME\r\nxx\r\nms bar 2 C9 ME c\r\nxx\r\nms baz 2 C9 MA\r\nxx\r\n", "HD\r\nNS\r\nHD c2\r\nNS\r\n")]
    // I without C is a plain set.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 I c\r\nxx\r\nmg foo v c\r\n", "HD\r\nHD c2\r\nVA 2 c2\r\nxx\r\n")]
    // C0 compares against the real CAS, also with I.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C0 c\r\nxx\r\nms foo 2 C0 I c\r\nxx\r\n", "HD\r\nEX c0\r\nEX c0\r\n")]
    // A newer CAS with I is still a mismatch.
    [InlineData("ms foo 2\r\nhi\r\nms foo 2 C1000 I c\r\nxx\r\nms foo 2 C9 MA I c\r\nxx\r\n", "HD\r\nEX c0\r\nEX c0\r\n")]
    public void CompareCasGuardsTheStore(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    [InlineData("ms AAEgYmlu/w== 2 b k c O1\r\nhi\r\nmg AAEgYmlu/w== b v\r\n", "HD kAAEgYmlu/w== b c1 O1\r\nVA 2\r\nhi\r\n")]
    [InlineData("ms foo 2 O1 k c b\r\nhi\r\nmn\r\n", "CLIENT_ERROR error decoding key\r\nMN\r\n")]
    public void Base64KeysAreStoredDecoded(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // The data must end in "\r\n"; the error shows even with q and what follows is read as commands.
    [InlineData("ms foo 2\r\nhiX\r\nmn\r\n", "CLIENT_ERROR bad data chunk\r\nERROR\r\nMN\r\n")]
    [InlineData("ms foo 2 q\r\nhiX\r\nmn\r\n", "CLIENT_ERROR bad data chunk\r\nERROR\r\nMN\r\n")]
    [InlineData("ms foo 2\r\nhi\n\r\nmn\r\n", "CLIENT_ERROR bad data chunk\r\nERROR\r\nMN\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nms foo 2\r\nhiXY\r\nmg foo v\r\n", "HD\r\nCLIENT_ERROR bad data chunk\r\nERROR\r\nVA 2\r\nhi\r\n")]
    // A line ended by "\n" alone is fine; its data still needs "\r\n".
    [InlineData("ms foo 2\nhi\r\nmg foo v\n", "HD\r\nVA 2\r\nhi\r\n")]
    public void BadDataChunksAreRejected(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // Errors before the length is known leave the data to be read as a command.
    [InlineData("ms foo\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n")]
    [InlineData("ms foo x\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n")]
    [InlineData("ms foo -1\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n")]
    [InlineData("ms foo 2147483646\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n")]
    [InlineData("ms foo 1 q Oa k c T0 F0 MS P L I s t f v h l u\r\nx\r\n", "CLIENT_ERROR options flags too long\r\nERROR\r\n")]
    [InlineData("ms\r\nmn\r\n", "ERROR\r\nMN\r\n")]
    // Errors after it swallow the data, even when it looks like commands.
    [InlineData("ms foo 2 Tx\r\nhi\r\nmn\r\n", "CLIENT_ERROR bad token in command line format\r\nMN\r\n")]
    [InlineData("ms foo 5 x\r\nmn\r\n\r\nmn\r\n", "CLIENT_ERROR invalid flag\r\nERROR\r\n")]
    [InlineData("ms foo 2 c c\r\nhi\r\nms foo 2 MX\r\nhi\r\nms foo 2 MEE\r\nhi\r\nms foo 2 Fx\r\nhi\r\nmn\r\n", "CLIENT_ERROR duplicate flag\r\nCLIENT_ERROR invalid mode for ms M token\r\nCLIENT_ERROR incorrect length for M token\r\nCLIENT_ERROR bad command line format\r\nMN\r\n")]
    [InlineData("ms foo 2 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nhi\r\nms foo 2 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx MX\r\nhi\r\nmn\r\n", "CLIENT_ERROR opaque token too long\r\nCLIENT_ERROR invalid mode for ms M token\r\nMN\r\n")]
    [InlineData("ms foo 1 q Oa k c T0 F0 MS P L I s t f v h l\r\nx\r\nmg foo v\r\n", "VA 1\r\nx\r\n")]
    public void LineErrorsSwallowTheDataOnlyOnceItsLengthIsKnown(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }
}

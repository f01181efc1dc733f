namespace Trove.Server.Tests.Meta;

// Each expected reply was produced by memcached 1.6.18 for the same bytes on a fresh instance (see
// verify_against_memcached.py, which replays every pair here and reports any difference).
public sealed class MetaDeleteTests
{
    [Theory]
    // HD, NF, EX, with O and k echoed in order; q hides only HD.
    [InlineData("md foo\r\nmd foo q\r\nmd foo q k O5\r\nmd foo k O5 C3 T4 I\r\n", "NF\r\nNF\r\nNF kfoo O5\r\nNF kfoo O5\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nmd foo O5 k\r\nmg foo\r\n", "HD\r\nHD O5 kfoo\r\nEN\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nmd foo q\r\nmn\r\nmg foo\r\n", "HD\r\nMN\r\nEN\r\n")]
    // C must match the CAS, also C0.
    [InlineData("ms foo 2\r\nhi\r\nmd foo C2 k O5\r\nmd foo C2 q\r\nmd foo C0\r\nmd foo C1 k\r\nmg foo\r\n", "HD\r\nEX kfoo O5\r\nEX\r\nEX\r\nHD kfoo\r\nEN\r\n")]
    // T alone does nothing.
    [InlineData("ms foo 2 T100\r\nhi\r\nmd foo T30\r\nmg foo\r\n", "HD\r\nHD\r\nEN\r\n")]
    // Flags md does not use are accepted.
    [InlineData("ms foo 2\r\nhi\r\nmd foo v s t f c h l u N5 R5 F5 MS J1 D1 q\r\nmg foo\r\n", "HD\r\nEN\r\n")]
    public void DeleteAnswersLikeMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // I keeps the item, marks it stale and bumps its CAS; T with I sets a new TTL; q hides HD.
    [InlineData("ms foo 2 T100\r\nhi\r\nmd foo I T30 k Oz\r\nmg foo c t v\r\n", "HD\r\nHD kfoo Oz\r\nVA 2 c2 t30 X W\r\nhi\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nmd foo I q\r\nmg foo c t\r\n", "HD\r\nHD c2 t-1 X W\r\n")]
    [InlineData("ms foo 2\r\nhi\r\nmd foo I C9\r\nmd foo I C1\r\nmg foo c\r\n", "HD\r\nEX\r\nHD\r\nHD c2 X W\r\n")]
    [InlineData("md foo I\r\n", "NF\r\n")]
    public void InvalidateMarksTheItemStale(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    [InlineData("ms AAEgYmlu/w== 2 b\r\nhi\r\nmd AAEgYmlu/w== b k C9\r\nmd AAEgYmlu/w== b k q\r\nmn\r\nmg AAEgYmlu/w== b k\r\n", "HD\r\nEX kAAEgYmlu/w== b\r\nMN\r\nEN kAAEgYmlu/w== b\r\n")]
    [InlineData("md YWJj b k q\r\n", "NF kYWJj b\r\n")]
    public void Base64KeysAreDecodedAndEchoedEncoded(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // Flag errors are not told apart; a long opaque is named; too few tokens is ERROR.
    [InlineData("md foo Tx\r\nmd foo x\r\nmd foo v v\r\nmd YQ b\r\nmd foo Cx\r\n", "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n")]
    [InlineData("md foo Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nmd foo Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx x\r\n", "CLIENT_ERROR opaque token too long\r\nCLIENT_ERROR invalid or duplicate flag\r\n")]
    [InlineData("md\r\nmd \r\n", "ERROR\r\nERROR\r\n")]
    [InlineData("md zz s t f c k h l O1 P L u T0 R5 N5 I F1 C1\r\nmd zz s t f c k h l O1 P L u T0 R5 N5 I F1 C1 MS\r\n", "NF kzz O1\r\nCLIENT_ERROR options flags too long\r\n")]
    public void DeleteErrorsMatchMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }
}

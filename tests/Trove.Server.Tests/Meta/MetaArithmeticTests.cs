namespace Trove.Server.Tests.Meta;

// Each expected reply was produced by memcached 1.6.18 for the same bytes on a fresh instance (see
// verify_against_memcached.py, which replays every pair here and reports any difference).
public sealed class MetaArithmeticTests
{
    [Theory]
    // NF on a miss (q does not hide it), HD or VA on success (q hides it).
    [InlineData("ma n\r\nma n q\r\nma n k O1 v t c\r\n", "NF\r\nNF\r\nNF kn O1\r\n")]
    [InlineData("ms n 1\r\n5\r\nma n\r\nma n v\r\nma n q\r\nma n v q\r\nmn\r\nmg n v\r\n", "HD\r\nHD\r\nVA 1\r\n7\r\nMN\r\nVA 1\r\n9\r\n")]
    [InlineData("ms n 1\r\n5\r\nma n v D10 t c k O1\r\nma n O1 c t k\r\n", "HD\r\nVA 2 t-1 c2 kn O1\r\n15\r\nHD O1 c3 t-1 kn\r\n")]
    // Modes: I and + increment, D and - decrement, which stops at 0.
    [InlineData("ms n 2\r\n10\r\nma n v MD D5\r\nma n v M- D5\r\nma n v M- D500\r\nma n v M+\r\nma n v MI\r\nmg n v s\r\n", "HD\r\nVA 1\r\n5\r\nVA 1\r\n0\r\nVA 1\r\n0\r\nVA 1\r\n1\r\nVA 1\r\n2\r\nVA 2 s2\r\n2 \r\n")]
    // Increments wrap at 2^64.
    [InlineData("ms n 20\r\n18446744073709551615\r\nma n v\r\nmg n v\r\n", "HD\r\nVA 1\r\n0\r\nVA 20\r\n0                   \r\n")]
    [InlineData("ms n 1\r\n4\r\nma n D18446744073709551615 v\r\n", "HD\r\nVA 1\r\n3\r\n")]
    // Decrementing in place pads with spaces.
    [InlineData("ms n 4 F5 T100\r\n1000\r\nma n v MD D1\r\nmg n v f t s\r\n", "HD\r\nVA 3\r\n999\r\nVA 4 f5 t100 s4\r\n999 \r\n")]
    // memcached's number parsing of the stored value.
    [InlineData("ms n 3\r\n 12\r\nma n v\r\nms n 3\r\n12 \r\nma n v\r\nms n 20\r\n00000000000000000007\r\nma n v\r\n", "HD\r\nVA 2\r\n13\r\nHD\r\nVA 2\r\n13\r\nHD\r\nVA 1\r\n8\r\n")]
    public void ArithmeticAnswersLikeMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // N creates the item with J (default 0) on a miss; the creation shows even with q.
    [InlineData("ma n N0\r\nmg n v\r\nma n v\r\n", "HD\r\nVA 1\r\n0\r\nVA 1\r\n1\r\n")]
    [InlineData("ma n N0 J18446744073709551615 v c t\r\nma n N0 J18446744073709551615 v c t\r\n", "VA 20 c1 t-1\r\n18446744073709551615\r\nVA 1 c2 t-1\r\n0\r\n")]
    [InlineData("ma n N100 J5 v t\r\nma n N100 J5 v t\r\n", "VA 1 t100\r\n5\r\nVA 1 t100\r\n6\r\n")]
    [InlineData("ma n N100 J5 t v q\r\nma n q\r\nmn\r\n", "VA 1 t100\r\n5\r\nMN\r\n")]
    [InlineData("ma n J5 v\r\n", "NF\r\n")]
    // t shows the TTL as of its position; N and T apply in order, the later winning on a created item.
    [InlineData("ma n t N100 v\r\nmg n t\r\n", "VA 1 t-1\r\n0\r\nHD t100\r\n")]
    [InlineData("ma n N100 T50 t\r\nmg n t\r\n", "HD t50\r\nHD t50\r\n")]
    [InlineData("ma n T50 N100 t\r\nmg n t\r\n", "HD t100\r\nHD t100\r\n")]
    [InlineData("ms n 1\r\n5\r\nma n v T100 t\r\nma n v t T200\r\nma n v t\r\n", "HD\r\nVA 1 t100\r\n6\r\nVA 1 t100\r\n7\r\nVA 1 t200\r\n8\r\n")]
    // A 17-flag line, t before T and N.
    [InlineData("ma zz s t f c k h l O1 P L u T0 R5 N5\r\nma zz s t f c k h l O1 P L u T0 R5 N5 I\r\n", "HD t-1 c1 kzz O1\r\nHD t5 c2 kzz O1\r\n")]
    public void VivifyAndTouchFollowRequestOrder(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // C compares a non-zero CAS: EX on mismatch (q does not hide it); C0 does not compare.
    [InlineData("ms n 1\r\n5\r\nma n C9 v\r\nma n C9 q\r\nma n C0 v c\r\nma n C2 v c\r\n", "HD\r\nEX\r\nEX\r\nVA 1 c2\r\n6\r\nVA 1 c3\r\n7\r\n")]
    public void CompareCasGuardsTheChange(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    // Values that are not decimal numbers (an empty one included) are errors, also with q.
    [InlineData("ms s 3\r\nabc\r\nma s\r\nma s q\r\n", "HD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n")]
    [InlineData("ms s 21\r\n123456789012345678901\r\nma s v\r\nms s 2\r\n-1\r\nma s v\r\nms s 0\r\n\r\nma s v\r\n", "HD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nHD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nHD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n")]
    // A long opaque is noticed after the value changed.
    [InlineData("ms n 1\r\n4\r\nma n Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx v\r\nmg n v\r\nma nope Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n", "HD\r\nCLIENT_ERROR opaque token too long\r\nVA 1\r\n5\r\nCLIENT_ERROR opaque token too long\r\n")]
    // Flag errors are not told apart, except a bad mode.
    [InlineData("ma n D18446744073709551616 v\r\nma n D-1\r\nma n Dx\r\nma n D\r\nma n Jx\r\nma n N5 Tx\r\nma n x\r\n", "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n")]
    [InlineData("ma n Mi\r\nma n MX\r\nma n MDD\r\nma\r\n", "CLIENT_ERROR invalid mode for ma M token\r\nCLIENT_ERROR invalid mode for ma M token\r\nCLIENT_ERROR invalid or duplicate flag\r\nERROR\r\n")]
    public void ArithmeticErrorsMatchMemcached(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }

    [Theory]
    [InlineData("ma YWJj b k q\r\nma YWJj b k N0 v\r\nmg abc v\r\n", "NF kYWJj b\r\nVA 1 kYWJj b\r\n0\r\nVA 1\r\n0\r\n")]
    public void Base64KeysAreDecodedAndEchoedEncoded(string wire, string expected)
    {
        Assert.Equal(expected, MetaHarness.RunFresh(wire));
    }
}

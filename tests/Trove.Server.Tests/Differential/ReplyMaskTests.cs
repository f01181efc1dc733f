using System.Text;

namespace Trove.Server.Tests.Differential;

/// <summary>The mask hides only the listed values and keeps every name; the comparer's only tolerance is one clock tick.</summary>
public sealed class ReplyMaskTests
{
    [Fact]
    public void Masked_stats_keep_their_names_and_unlisted_values()
    {
        string masked = ReplyMask.Apply(Encoding.ASCII.GetBytes(
            "STAT pid 42\r\nSTAT curr_items 3\r\nSTAT items:1:age 7\r\nSTAT items:1:number 3\r\nSTAT 1:total_pages 1\r\nSTAT 1:used_chunks 3\r\nVERSION 1.6.18\r\nEND\r\n"));

        Assert.Equal(
            "STAT pid <masked>\r\nSTAT curr_items 3\r\nSTAT items:1:age <masked>\r\nSTAT items:1:number 3\r\nSTAT 1:total_pages <masked>\r\nSTAT 1:used_chunks 3\r\nVERSION <masked>\r\nEND\r\n",
            masked);
    }

    [Fact]
    public void Cas_numbers_and_values_are_never_masked()
    {
        const string reply = "VALUE pid 0 3 17\r\nSTAT\r\nEND\r\nHD c17\r\n";

        Assert.Equal(reply, ReplyMask.Apply(Encoding.ASCII.GetBytes(reply)));
    }

    [Theory]
    [InlineData("VA 1 t100 c1\r\n", "VA 1 t99 c1\r\n", true)]
    [InlineData("ME a exp=-1000 la=0 cas=1\r\n", "ME a exp=-999 la=1 cas=1\r\n", true)]
    [InlineData("VA 1 t100 c1\r\n", "VA 1 t98 c1\r\n", false)]
    [InlineData("VA 1 t-1 c1\r\n", "VA 1 t0 c1\r\n", false)]
    [InlineData("VA 1 t100 c1\r\n", "VA 1 t100 c2\r\n", false)]
    [InlineData("VALUE t1 0 1\r\n", "VALUE t2 0 1\r\n", false)]
    public void Only_ttl_and_last_access_numbers_may_differ_by_one_second(string expected, string actual, bool match)
    {
        Assert.Equal(match, ReplyComparer.LinesMatch(expected, actual));
    }
}

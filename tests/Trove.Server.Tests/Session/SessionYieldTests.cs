using System.Text;

namespace Trove.Server.Tests.Session;

/// <summary>
/// memcached runs at most 20 commands per read event before it sends what it holds and yields. The session
/// returns at that point with the rest of the input unexamined, so its caller writes the replies (and waits for a
/// client that does not read them) before running more commands.
/// </summary>
public sealed class SessionYieldTests
{
    [Fact]
    public void A_long_pipeline_is_answered_completely_in_quotas_of_commands()
    {
        using var harness = new SessionHarness();
        harness.Send("set k 0 0 2\r\nhi\r\n");
        string pipeline = string.Concat(Enumerable.Repeat("get k\r\n", 45));

        string replies = harness.Send(pipeline);

        Assert.Equal(string.Concat(Enumerable.Repeat("VALUE k 0 2\r\nhi\r\nEND\r\n", 45)), replies);
        // The first event runs 21 commands (the 21st finds the quota spent), each later one 20: yields after 21 and 41.
        Assert.Equal(2, harness.Yields);
        Assert.Equal(0, harness.Unconsumed);
    }

    [Fact]
    public void A_pipeline_within_the_quota_is_answered_in_one_call()
    {
        using var harness = new SessionHarness();

        string replies = harness.Send(string.Concat(Enumerable.Repeat("version\r\n", 20)));

        Assert.Equal(20, replies.Split("VERSION ").Length - 1);
        Assert.Equal(0, harness.Yields);
    }

    [Fact]
    public void A_yield_that_ends_the_input_leaves_nothing_unexamined()
    {
        using var harness = new SessionHarness();

        harness.Send(string.Concat(Enumerable.Repeat("set k 0 0 1 noreply\r\nx\r\n", 21)));

        Assert.Equal(0, harness.Yields);
        Assert.Equal(0, harness.Unconsumed);
        Assert.Equal("VALUE k 0 1\r\nx\r\nEND\r\n", harness.Send("get k\r\n"));
    }
}

using Trove.Cluster.Membership;

namespace Trove.Cluster.Tests;

public sealed class SuspicionTests
{
    private static readonly TimeSpan _min = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan _max = TimeSpan.FromSeconds(48);

    private static (ManualTimeProvider Clock, Suspicion Suspicion, Func<bool> Fired) Start(int expected)
    {
        var clock = new ManualTimeProvider();
        bool fired = false;
        var suspicion = new Suspicion("accuser", expected, _min, _max, clock, () => fired = true);
        return (clock, suspicion, () => fired);
    }

    [Fact]
    public void MinimumTimeoutGrowsWithTheLogOfTheClusterSize()
    {
        TimeSpan second = TimeSpan.FromSeconds(1);

        Assert.Equal(TimeSpan.FromSeconds(4), Suspicion.MinTimeout(4, 1, second));
        Assert.Equal(TimeSpan.FromSeconds(4), Suspicion.MinTimeout(4, 10, second));
        Assert.Equal(TimeSpan.FromSeconds(8), Suspicion.MinTimeout(4, 100, second));
        Assert.Equal(TimeSpan.FromSeconds(12), Suspicion.MinTimeout(4, 1000, second));
    }

    [Fact]
    public void WithoutConfirmationsItFiresAtTheMaximum()
    {
        var (clock, suspicion, fired) = Start(expected: 2);
        using (suspicion)
        {
            clock.Advance(_max - TimeSpan.FromMilliseconds(1));
            Assert.False(fired());
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(fired());
        }
    }

    [Fact]
    public void EachIndependentConfirmationShortensTheTimeoutDownToTheMinimum()
    {
        var (clock, suspicion, fired) = Start(expected: 2);
        using (suspicion)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.False(suspicion.Confirm("accuser")); // the accuser does not confirm itself
            Assert.True(suspicion.Confirm("b"));
            Assert.False(suspicion.Confirm("b")); // nor does anyone twice
            // max - (max - min) * log(2) / log(3) = 48 - 40 * 0.6309 = 22.76 s
            Assert.Equal(22.76, suspicion.CurrentTimeout.TotalSeconds, 2);
            Assert.True(suspicion.Confirm("c"));
            Assert.Equal(_min, suspicion.CurrentTimeout);
            Assert.False(suspicion.Confirm("d")); // beyond the expected count nothing changes

            clock.Advance(_min - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
            Assert.False(fired());
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(fired());
        }
    }

    [Fact]
    public void ConfirmationAfterTheShorterTimeoutPassedFiresAtOnce()
    {
        var (clock, suspicion, fired) = Start(expected: 1);
        using (suspicion)
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            Assert.True(suspicion.Confirm("b"));
            clock.Advance(TimeSpan.Zero);
            Assert.True(fired());
        }
    }

    [Fact]
    public void NoExpectedConfirmationsMeansTheMinimum()
    {
        var (clock, suspicion, fired) = Start(expected: 0);
        using (suspicion)
        {
            clock.Advance(_min);
            Assert.True(fired());
        }
    }
}

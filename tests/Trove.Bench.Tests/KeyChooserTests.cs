using Trove.Bench;

namespace Trove.Bench.Tests;

public sealed class KeyChooserTests
{
    [Fact]
    public void Uniform_keys_cover_the_key_space_and_nothing_outside_it()
    {
        var chooser = KeyChooser.Uniform(10);
        var random = FastRandom.ForStream(1, 0);
        var counts = new int[10];

        for (var i = 0; i < 10_000; i++)
        {
            counts[chooser.Next(ref random)]++; // an index outside 0..9 would throw
        }

        Assert.All(counts, count => Assert.InRange(count, 800, 1200));
    }

    [Fact]
    public void Zipf_keys_follow_the_power_law()
    {
        var chooser = KeyChooser.Zipf(1000, 1.0);
        var random = FastRandom.ForStream(5, 0);
        var counts = new int[1000];

        for (var i = 0; i < 200_000; i++)
        {
            counts[chooser.Next(ref random)]++;
        }

        // With s = 1, key k is drawn 1/(k+1) as often as key 0; a fixed seed makes this repeatable.
        Assert.InRange(counts[0] / (double)counts[1], 1.8, 2.2);
        Assert.InRange(counts[0] / (double)counts[9], 8.5, 11.5);
        Assert.True(counts[0] > counts[10] && counts[10] > counts[500]);
        // H(1000) is about 7.485, so key 0 gets about 13.4% of draws.
        Assert.InRange(counts[0] / 200_000.0, 0.125, 0.142);
    }

    [Fact]
    public void The_same_seed_and_stream_give_the_same_keys()
    {
        var chooser = KeyChooser.Zipf(100, 0.9);
        var first = FastRandom.ForStream(9, 3);
        var second = FastRandom.ForStream(9, 3);
        var other = FastRandom.ForStream(9, 4);
        var same = true;
        var differs = false;

        for (var i = 0; i < 100; i++)
        {
            var key = chooser.Next(ref first);
            same &= key == chooser.Next(ref second);
            differs |= key != chooser.Next(ref other);
        }

        Assert.True(same);
        Assert.True(differs);
    }

    [Fact]
    public void Bounded_draws_stay_below_the_bound()
    {
        var random = FastRandom.ForStream(2, 0);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(random.NextBelow(3), 0, 2);
            Assert.InRange(random.NextDouble(), 0.0, 0.9999999999999999);
        }
    }
}

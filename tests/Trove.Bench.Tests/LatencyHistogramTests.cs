using Trove.Bench;

namespace Trove.Bench.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero_for_every_percentile()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.ValueAtPercentile(100));
        Assert.Equal(0, histogram.Max);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(137)]
    [InlineData(255)]
    public void Values_below_256_are_reported_exactly(long value)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(value);

        Assert.Equal(value, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void A_reported_value_is_never_below_and_at_most_one_128th_above_the_recorded_one()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var value = (long)Math.Exp(random.NextDouble() * Math.Log(4e11)); // 1 ns .. 400 s
            var histogram = new LatencyHistogram();
            histogram.Record(value);
            histogram.Record(LatencyHistogram.HighestTrackable); // so Max does not cap the bucket

            var reported = histogram.ValueAtPercentile(50);

            Assert.InRange(reported, value, value + value / 128);
        }
    }

    [Fact]
    public void Every_bucket_holds_exactly_the_values_between_its_bounds()
    {
        for (var index = 0; index < LatencyHistogram.BucketCount; index++)
        {
            var lowest = LatencyHistogram.LowestEquivalentValue(index);
            var highest = LatencyHistogram.HighestEquivalentValue(index);

            Assert.Equal(index, LatencyHistogram.BucketIndex(lowest));
            Assert.Equal(index, LatencyHistogram.BucketIndex(highest));
            if (index > 0)
            {
                Assert.Equal(LatencyHistogram.HighestEquivalentValue(index - 1) + 1, lowest);
            }
        }
        Assert.Equal(LatencyHistogram.HighestTrackable, LatencyHistogram.HighestEquivalentValue(LatencyHistogram.BucketCount - 1));
    }

    [Fact]
    public void Percentiles_pick_the_ranked_sample()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 200; value++)
        {
            histogram.Record(value);
        }

        Assert.Equal(100, histogram.ValueAtPercentile(50));
        Assert.Equal(198, histogram.ValueAtPercentile(99));
        Assert.Equal(200, histogram.ValueAtPercentile(99.9));
        Assert.Equal(200, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void The_top_percentile_is_the_exact_maximum_not_the_bucket_bound()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000_001);

        Assert.Equal(1_000_001, histogram.ValueAtPercentile(100));
        Assert.Equal(1_000_001, histogram.Max);
    }

    [Fact]
    public void Values_beyond_the_range_are_counted_and_keep_their_exact_maximum()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(long.MaxValue);
        histogram.Record(-5);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(long.MaxValue, histogram.Max);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(LatencyHistogram.HighestTrackable, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Merged_histograms_report_what_one_histogram_of_all_values_would()
    {
        var random = new Random(3);
        var whole = new LatencyHistogram();
        var parts = new[] { new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram() };
        for (var i = 0; i < 3000; i++)
        {
            var value = random.NextInt64(1, 50_000_000);
            whole.Record(value);
            parts[i % 3].Record(value);
        }
        var merged = new LatencyHistogram();
        foreach (var part in parts)
        {
            merged.Add(part);
        }

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Max, merged.Max);
        foreach (var percentile in new[] { 0, 10, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(whole.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
        }
    }
}

using Matching.Engine.Scoring;

namespace Matching.Engine.Tests.Scoring;

public class IsotonicCalibratorTests
{
    [Fact]
    public void Calibration_IsMonotone_AndMatchesObservedRates()
    {
        // The chance of relevance rises with the score: p = score for scores in [0, 1].
        var rng = new Random(5);
        var scores = Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble()).ToList();
        var labels = scores.Select(s => rng.NextDouble() < s).ToList();
        var calibrator = IsotonicCalibrator.Fit(scores, labels);

        var grid = Enumerable.Range(0, 101).Select(i => i / 100.0).ToList();
        var probabilities = grid.Select(calibrator.Calibrate).ToList();
        Assert.True(probabilities.Zip(probabilities.Skip(1)).All(p => p.First <= p.Second + 1e-12));
        Assert.InRange(calibrator.Calibrate(0.25), 0.18, 0.32);
        Assert.InRange(calibrator.Calibrate(0.75), 0.68, 0.82);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void Calibration_SurvivesJson()
    {
        var calibrator = IsotonicCalibrator.Fit([0.1, 0.4, 0.35, 0.8, 0.9], [false, false, true, true, true]);
        var copy = IsotonicCalibrator.FromJson(calibrator.ToJson());
        foreach (var s in new[] { -1, 0.2, 0.37, 0.6, 2 })
            Assert.Equal(calibrator.Calibrate(s), copy.Calibrate(s));
    }
}

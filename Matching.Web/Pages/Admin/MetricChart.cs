using System.Globalization;
using Matching.Engine.Scoring;

namespace Matching.Web.Pages.Admin;

/// <summary>One line of the chart: a metric's value per version (null where a version lacks it).</summary>
public sealed record MetricSeries(string Label, string Colour, IReadOnlyList<double?> Values);

/// <summary>
/// The metric history of the model versions as an SVG line chart, laid out here and drawn by the page: no script
/// (the site's content security policy allows none inline), so the geometry is computed on the server.
/// </summary>
public sealed class MetricChart
{
    public const int Width = 560, Height = 240, Left = 52, Right = 20, Top = 16, Bottom = 40;

    public MetricChart(IReadOnlyList<string> versions, IReadOnlyList<MetricSeries> series)
    {
        Versions = versions;
        Series = series;
        var values = series.SelectMany(s => s.Values).OfType<double>().ToList();
        // A tenth either side of the values, within 0–1, so small differences between versions show.
        Min = values.Count == 0 ? 0 : Math.Max(0, Math.Floor(values.Min() * 10 - 1) / 10);
        Max = values.Count == 0 ? 1 : Math.Min(1, Math.Ceiling(values.Max() * 10 + 1) / 10);
        if (Max <= Min) Max = Min + 0.1;
    }

    public IReadOnlyList<string> Versions { get; }
    public IReadOnlyList<MetricSeries> Series { get; }
    public double Min { get; }
    public double Max { get; }

    public bool IsEmpty => Versions.Count == 0 || Series.All(s => s.Values.All(v => v is null));

    public double X(int index) => Versions.Count <= 1
        ? Left + (Width - Left - Right) / 2.0
        : Left + index * (Width - Left - Right) / (double)(Versions.Count - 1);

    public double Y(double value) => Top + (Max - value) / (Max - Min) * (Height - Top - Bottom);

    /// <summary>The y-axis ticks: five evenly spaced values.</summary>
    public IEnumerable<double> Ticks => Enumerable.Range(0, 5).Select(i => Min + i * (Max - Min) / 4);

    /// <summary>The series' points for a polyline, skipping versions without the metric.</summary>
    public string Points(MetricSeries series) => string.Join(" ", series.Values
        .Select((v, i) => v is { } value ? $"{N(X(i))},{N(Y(value))}" : null).OfType<string>());

    /// <summary>A coordinate as SVG wants it: invariant, one decimal.</summary>
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A metric value as the page shows it.</summary>
    public static string Value(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "—";
}

/// <summary>The figures a version is judged by, under the names the shipped model and the retrainer use.</summary>
public static class ModelMetrics
{
    /// <summary>nDCG@10 on the held-out judgements.</summary>
    public static double? HeldOut(ModelVersion version) => First(version, "heldout_ndcg10_model", "heldout_zh_ndcg10_model");

    /// <summary>BM25's nDCG@10 on the same held-out judgements, for comparison.</summary>
    public static double? HeldOutBm25(ModelVersion version) => First(version, "heldout_ndcg10_bm25", "heldout_zh_ndcg10_bm25");

    /// <summary>nDCG@10 on the public benchmark's test split (SciFact), when measured.</summary>
    public static double? Benchmark(ModelVersion version) => version.Metrics
        .Where(m => m.Key.EndsWith("_ndcg10_model", StringComparison.Ordinal) && !m.Key.StartsWith("heldout", StringComparison.Ordinal) && !m.Key.StartsWith("cv", StringComparison.Ordinal))
        .OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (double?)m.Value).FirstOrDefault();

    private static double? First(ModelVersion version, params string[] keys) =>
        keys.Select(k => version.Metrics.TryGetValue(k, out var v) ? v : (double?)null).FirstOrDefault(v => v is not null);
}

using System.Text.Json;
using Matching.Engine.Features;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace Matching.Engine.Scoring;

/// <summary>
/// The features of the absolute score: those whose value for a pair does not depend on which other candidates the
/// need's list holds (no rank, no gap to the list's best, no score over the list's best, no feedback from the list's
/// top). A pair scored from outside the candidate list gets exactly the values it would get inside it.
/// </summary>
public static class AbsoluteFeatures
{
    public static readonly IReadOnlyList<string> Names =
    [
        "bm25", "bm25_all", "bm25_title", "bm25_keywords", "bm25_bigrams", // a pair's own BM25 scores (their scale follows the need: need_terms and the ratios say how)
        "bm25_ratio", "coverage_idf", "bigram_ratio", "coverage", "coverage_title",
        "keyword_overlap", "has_keyword_overlap",
        "industry_distance", "has_industry_distance",
        "maturity_gap", "has_maturity_gap",
        "cooperation_overlap", "has_cooperation_overlap",
        "money_fit", "has_money_fit",
        "same_zone", "has_same_zone",
        "same_region", "has_same_region",
        "track_record", "has_track_record",
        "embedding_cosine", "has_embedding_cosine",
        "topic_cosine", "has_topic_cosine",
        "passage_cosine", "has_passage_cosine",
        "bigram_dice", "cjk_share", "need_terms", "title_chars", "body_chars",
    ];

    private static readonly int[] Indices = Names.Select(FeatureSchema.IndexOf).ToArray();

    public static int Count => Names.Count;

    /// <summary>The absolute features of a full feature row (<see cref="FeatureSchema"/> order), in <see cref="Names"/> order.</summary>
    public static float[] Of(float[] row)
    {
        var v = new float[Indices.Length];
        for (var i = 0; i < Indices.Length; i++) v[i] = row[Indices[i]];
        return v;
    }

    /// <summary>The full-schema position of each absolute feature.</summary>
    public static int SchemaIndex(int absoluteIndex) => Indices[absoluteIndex];
}

/// <summary>
/// The absolute score of a pair: P(graded ≥ 1), the same number for the same evidence whatever the need. A FastTree
/// binary classifier over <see cref="AbsoluteFeatures"/> trained on pairs pooled across needs, and a Platt curve fitted
/// on its out-of-fold margins (strictly increasing, so two pairs with different margins never share a score, unlike
/// the flat steps of isotonic regression).
/// </summary>
public sealed class AbsoluteScorer
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly Lazy<ITransformer?> _contributions;

    private AbsoluteScorer(MLContext ml, ITransformer model, PlattCalibrator calibrator)
    {
        _ml = ml;
        _model = model;
        Calibrator = calibrator;
        _contributions = new Lazy<ITransformer?>(ContributionCalculator);
    }

    public PlattCalibrator Calibrator { get; }

    /// <summary>
    /// The shipped size: the ranker's trees with large leaves (≥ 100 rows), since relevant pairs are a few in a
    /// thousand and a leaf's value should rest on many of them.
    /// </summary>
    public static RankerHyperParameters DefaultHyperParameters => new() { MinimumExamplesPerLeaf = 100 };

    private sealed class Row
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private static SchemaDefinition Schema()
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, AbsoluteFeatures.Count);
        return schema;
    }

    /// <summary>Trains the classifier on full feature rows labelled by grade (relevant: grade ≥ 1); the calibrator is fitted by the caller on out-of-fold margins.</summary>
    public static AbsoluteScorer Train(IEnumerable<RankingRow> rows, RankerHyperParameters hp, PlattCalibrator? calibrator = null)
    {
        var ml = new MLContext(seed: hp.Seed);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Label >= 1, Features = AbsoluteFeatures.Of(r.Features) }), Schema());
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            NumberOfTrees = hp.Trees,
            NumberOfLeaves = hp.Leaves,
            LearningRate = hp.LearningRate,
            MinimumExampleCountPerLeaf = hp.MinimumExamplesPerLeaf,
            FeatureFraction = hp.FeatureFraction,
            Seed = hp.Seed,
            NumberOfThreads = 1,
        });
        return new AbsoluteScorer(ml, trainer.Fit(data), calibrator ?? PlattCalibrator.Identity);
    }

    /// <summary>The same classifier with another calibration curve.</summary>
    public AbsoluteScorer With(PlattCalibrator calibrator) => new(_ml, _model, calibrator);

    /// <summary>The classifier's margins for full feature rows, in order.</summary>
    public float[] Margins(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0) return [];
        var data = _ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = AbsoluteFeatures.Of(r) }), Schema());
        return _model.Transform(data).GetColumn<float>("Score").ToArray();
    }

    /// <summary>P(graded ≥ 1) of full feature rows, rounded to four places as every shown score is.</summary>
    public double[] Probabilities(IReadOnlyList<float[]> rows) => Margins(rows).Select(m => Math.Round(Calibrator.Calibrate(m), 4)).ToArray();

    /// <summary>
    /// How much each feature moved one pair's margin (ML.NET feature contributions of the trees), in
    /// <see cref="FeatureSchema"/> order: features the absolute score does not use get 0. Null when the loaded
    /// classifier does not offer contributions (the reasons then follow the ranker's).
    /// </summary>
    public float[]? Contributions(float[] row)
    {
        if (_contributions.Value is not { } calculator) return null;
        var data = _ml.Data.LoadFromEnumerable([new Row { Features = AbsoluteFeatures.Of(row) }], Schema());
        var own = calculator.Transform(_model.Transform(data)).GetColumn<float[]>("FeatureContributions").Single();
        var full = new float[FeatureSchema.Count];
        for (var i = 0; i < own.Length; i++) full[AbsoluteFeatures.SchemaIndex(i)] = own[i];
        return full;
    }

    private ITransformer? ContributionCalculator()
    {
        var empty = _model.Transform(_ml.Data.LoadFromEnumerable(Array.Empty<Row>(), Schema()));
        return _model switch
        {
            BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>> calibrated =>
                _ml.Transforms.CalculateFeatureContribution(calibrated, AbsoluteFeatures.Count, AbsoluteFeatures.Count, normalize: false).Fit(empty),
            ISingleFeaturePredictionTransformer<ICalculateFeatureContribution> plain =>
                _ml.Transforms.CalculateFeatureContribution(plain, AbsoluteFeatures.Count, AbsoluteFeatures.Count, normalize: false).Fit(empty),
            _ => null,
        };
    }

    public void Save(string modelPath, string calibrationPath)
    {
        var schema = _ml.Data.LoadFromEnumerable(Array.Empty<Row>(), Schema()).Schema;
        _ml.Model.Save(_model, schema, modelPath);
        File.WriteAllText(calibrationPath, JsonSerializer.Serialize(Calibrator));
    }

    public static AbsoluteScorer Load(string modelPath, string calibrationPath)
    {
        var ml = new MLContext(seed: 42);
        var model = ml.Model.Load(modelPath, out _);
        var calibrator = JsonSerializer.Deserialize<PlattCalibrator>(File.ReadAllText(calibrationPath)) ?? throw new InvalidDataException($"{calibrationPath}: empty calibration");
        return new AbsoluteScorer(ml, model, calibrator);
    }
}

/// <summary>
/// Platt scaling: P = 1 / (1 + e^(A·m + B)) of a classifier margin m, with A &lt; 0 so that it rises with the margin,
/// fitted by Newton's method on out-of-fold margins with Platt's smoothed targets (2000; Lin, Lin and Weng 2007).
/// </summary>
public sealed record PlattCalibrator(double A, double B)
{
    /// <summary>The logistic of the margin itself (before a fit).</summary>
    public static readonly PlattCalibrator Identity = new(-1, 0);

    public double Calibrate(double margin)
    {
        var z = A * margin + B;
        return z >= 0 ? Math.Exp(-z) / (1 + Math.Exp(-z)) : 1 / (1 + Math.Exp(z));
    }

    /// <summary>The margin at which the probability reaches <paramref name="probability"/>.</summary>
    public double MarginAt(double probability) => (Math.Log(1 / probability - 1) - B) / A;

    public static PlattCalibrator Fit(IReadOnlyList<double> margins, IReadOnlyList<bool> relevant)
    {
        if (margins.Count != relevant.Count || margins.Count == 0) throw new ArgumentException("margins and labels must pair up and not be empty");
        double positives = relevant.Count(r => r), negatives = margins.Count - positives;
        var hi = (positives + 1) / (positives + 2);
        var lo = 1 / (negatives + 2);
        var t = relevant.Select(r => r ? hi : lo).ToArray();
        double a = 0, b = Math.Log((negatives + 1) / (positives + 1));
        double Loss(double aa, double bb)
        {
            double f = 0;
            for (var i = 0; i < margins.Count; i++)
            {
                var z = aa * margins[i] + bb;
                f += z >= 0 ? t[i] * z + Math.Log(1 + Math.Exp(-z)) : (t[i] - 1) * z + Math.Log(1 + Math.Exp(z));
            }
            return f;
        }
        var loss = Loss(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
            for (var i = 0; i < margins.Count; i++)
            {
                var z = a * margins[i] + b;
                double p, q;
                if (z >= 0)
                {
                    p = Math.Exp(-z) / (1 + Math.Exp(-z));
                    q = 1 / (1 + Math.Exp(-z));
                }
                else
                {
                    p = 1 / (1 + Math.Exp(z));
                    q = Math.Exp(z) / (1 + Math.Exp(z));
                }
                var d2 = p * q;
                h11 += margins[i] * margins[i] * d2;
                h22 += d2;
                h21 += margins[i] * d2;
                var d1 = t[i] - p;
                g1 += margins[i] * d1;
                g2 += d1;
            }
            if (Math.Abs(g1) < 1e-5 && Math.Abs(g2) < 1e-5) break;
            var det = h11 * h22 - h21 * h21;
            var da = -(h22 * g1 - h21 * g2) / det;
            var db = -(-h21 * g1 + h11 * g2) / det;
            var gd = g1 * da + g2 * db;
            var step = 1.0;
            while (step >= 1e-10)
            {
                var na = a + step * da;
                var nb = b + step * db;
                var nl = Loss(na, nb);
                if (nl < loss + 1e-4 * step * gd)
                {
                    (a, b, loss) = (na, nb, nl);
                    break;
                }
                step /= 2;
            }
            if (step < 1e-10) break;
        }
        // A margin that says nothing (A ≥ 0) would turn the curve around; keep it rising.
        return new PlattCalibrator(Math.Min(a, -1e-6), b);
    }
}

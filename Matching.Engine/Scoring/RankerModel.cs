using Matching.Engine.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers;

namespace Matching.Engine.Scoring;

/// <summary>One training or scoring row: a pair's features, its grade (training only) and its need (the group).</summary>
public sealed class RankingRow
{
    public float Label { get; set; }
    public string GroupId { get; set; } = "";
    public float[] Features { get; set; } = [];
}

/// <summary>Named, seeded hyper-parameters of boosted trees: the LambdaMART ranker's, and the absolute scorer's classifier (<see cref="AbsoluteScorer"/>).</summary>
public sealed record RankerHyperParameters
{
    public int Seed { get; init; } = 42;
    public int Trees { get; init; } = 300;
    public int Leaves { get; init; } = 16;
    public double LearningRate { get; init; } = 0.05;
    public int MinimumExamplesPerLeaf { get; init; } = 20;
    /// <summary>Share of the features each tree may split on (0.7 chosen by 5-fold CV on SciFact train: 0.7723 against 0.7707 at 1.0 and 0.7693 at 0.5).</summary>
    public double FeatureFraction { get; init; } = 0.7;
}

/// <summary>
/// The FastTree LambdaMART ranker, grouped by need. Trained from rows; scores a need's candidates in one batch
/// <c>Transform</c> (thread safe, no shared PredictionEngine).
/// </summary>
public sealed class RankerModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private ITransformer? _contributions;

    private RankerModel(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
    }

    private static SchemaDefinition Schema()
    {
        var schema = SchemaDefinition.Create(typeof(RankingRow));
        schema[nameof(RankingRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSchema.Count);
        return schema;
    }

    /// <summary>
    /// Features the ranker does not see (held at 0, so no tree splits on them): the bounds-normalised BM25 features,
    /// which the absolute scorer needs and which cross-validation did not support in the ranker (patents-zh train
    /// 0.8629 with them against 0.8674 without).
    /// </summary>
    public static readonly IReadOnlySet<int> Unseen = new[] { "bm25_ratio", "coverage_idf", "bigram_ratio" }.Select(FeatureSchema.IndexOf).ToHashSet();

    /// <summary>A row as the ranker sees it (<see cref="Unseen"/> features at 0).</summary>
    private static float[] Seen(float[] features)
    {
        var v = (float[])features.Clone();
        foreach (var i in Unseen) v[i] = 0;
        return v;
    }

    public static RankerModel Train(IEnumerable<RankingRow> rows, RankerHyperParameters hp)
    {
        var ml = new MLContext(seed: hp.Seed);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new RankingRow { GroupId = r.GroupId, Label = r.Label, Features = Seen(r.Features) }), Schema());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("GroupKey", nameof(RankingRow.GroupId))
            .Append(ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
            {
                LabelColumnName = nameof(RankingRow.Label),
                FeatureColumnName = nameof(RankingRow.Features),
                RowGroupColumnName = "GroupKey",
                NumberOfTrees = hp.Trees,
                NumberOfLeaves = hp.Leaves,
                LearningRate = hp.LearningRate,
                MinimumExampleCountPerLeaf = hp.MinimumExamplesPerLeaf,
                FeatureFraction = hp.FeatureFraction,
                Seed = hp.Seed,
                NumberOfThreads = 1,
            }));
        return new RankerModel(ml, pipeline.Fit(data));
    }

    /// <summary>Scores a batch of rows (one need's candidates), in order.</summary>
    public float[] Score(IReadOnlyList<float[]> features)
    {
        if (features.Count == 0) return [];
        var data = _ml.Data.LoadFromEnumerable(features.Select(f => new RankingRow { Features = Seen(f) }), Schema());
        var scored = _model.Transform(data);
        return scored.GetColumn<float>("Score").ToArray();
    }

    /// <summary>
    /// How much each feature moved one pair's score (ML.NET feature contributions of the tree ensemble: for every
    /// split on the pair's path, the change in the expected output, credited to the split's feature), in
    /// <see cref="FeatureSchema"/> order. Positive values pushed the score up.
    /// </summary>
    public float[] Contributions(float[] features)
    {
        var calculator = LazyInitializer.EnsureInitialized(ref _contributions, () =>
        {
            var predictor = (_model as IEnumerable<ITransformer>)?.LastOrDefault() as ISingleFeaturePredictionTransformer<ICalculateFeatureContribution>
                ?? _model as ISingleFeaturePredictionTransformer<ICalculateFeatureContribution>
                ?? throw new InvalidOperationException("this ranker does not support feature contributions");
            var empty = _ml.Data.LoadFromEnumerable(Array.Empty<RankingRow>(), Schema());
            return _ml.Transforms.CalculateFeatureContribution(predictor, FeatureSchema.Count, FeatureSchema.Count, normalize: false).Fit(_model.Transform(empty));
        });
        var data = _ml.Data.LoadFromEnumerable([new RankingRow { Features = Seen(features) }], Schema());
        var row = calculator.Transform(_model.Transform(data)).GetColumn<float[]>("FeatureContributions").Single();
        return row;
    }

    public void Save(string path)
    {
        var schema = _ml.Data.LoadFromEnumerable(Array.Empty<RankingRow>(), Schema()).Schema;
        _ml.Model.Save(_model, schema, path);
    }

    public static RankerModel Load(string path)
    {
        var ml = new MLContext(seed: 42);
        var model = ml.Model.Load(path, out _);
        return new RankerModel(ml, model);
    }
}

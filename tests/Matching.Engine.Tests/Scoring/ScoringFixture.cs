using Matching.Engine.Candidates;
using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// The demo corpus in a scratch workspace, two small models trained on its judgements (A and B, different sizes
/// and seeds), their vectors stored by the vector job, and the serving objects over the same records and index.
/// </summary>
public sealed class ScoringFixture : IDisposable
{
    public ScoringFixture()
    {
        Workspace = RecordsWorkspace.FromDemo(Path.GetTempPath(), new MatchingAnalyzer(), TaxonomyFiles.DefaultSynonyms(),
            new TopicHyperParameters { Topics = 12, Iterations = 60 });
        Training = Workspace.Candidates(Workspace.Store.Judgements(), Taxonomy, MatchScorer.K, RecordKind.Result).ToList();
        var rows = Training.SelectMany(q => q.Candidates.Select((c, i) => new RankingRow { GroupId = q.QueryId, Label = q.Judged.GetValueOrDefault(c.Id), Features = q.Features[i] })).ToList();
        A = Bundle("A", rows, new RankerHyperParameters { Trees = 60, Leaves = 8, MinimumExamplesPerLeaf = 5, Seed = 1 });
        B = Bundle("B", rows, new RankerHyperParameters { Trees = 20, Leaves = 4, MinimumExamplesPerLeaf = 5, Seed = 2 });
        using (var maintainer = new VectorMaintainer(Workspace.Store, Workspace.Vectors))
        {
            maintainer.CatchUp(VectorModels.Of(A));
            maintainer.CatchUp(VectorModels.Of(B));
        }
        Models = new ModelHost(new MatchingAnalyzer());
        Models.Swap(A);
        Features = new FeatureExtractor(Workspace.Indexes, Workspace.Store, Workspace.Queries, Taxonomy);
        Scorer = new MatchScorer(Features, Workspace.Vectors, Workspace.Store, Workspace.Retriever, new DenseIndexes(Workspace.Vectors));
        Lists = new MatchLists(Workspace.Store, Workspace.Retriever, Models, Scorer);
        Explainer = new Explainer(Models, Scorer, Workspace.Store, Workspace.Vectors);
    }

    public static IndustryTaxonomy Taxonomy { get; } = TaxonomyFiles.DefaultTaxonomy();
    public RecordsWorkspace Workspace { get; }
    public IReadOnlyList<QueryCandidates> Training { get; }
    public ModelBundle A { get; }
    public ModelBundle B { get; }
    public ModelHost Models { get; }
    public FeatureExtractor Features { get; }
    public MatchScorer Scorer { get; }
    public MatchLists Lists { get; }
    public Explainer Explainer { get; }
    public CandidateRetriever Retriever => Workspace.Retriever;

    private ModelBundle Bundle(string version, List<RankingRow> rows, RankerHyperParameters hp)
    {
        var ranker = RankerModel.Train(rows, hp);
        var scores = ranker.Score(rows.Select(r => r.Features).ToList());
        return new ModelBundle
        {
            // The encoders and candidate depth the workspace computed the training rows with (EncoderSettings' defaults).
            Manifest = new ModelManifest
            {
                Version = version, Features = FeatureSchema.Names, EmbeddingModel = VectorModels.MiniLm, EmbeddingMaxTokens = 256, ChineseEmbeddingModel = VectorModels.BgeZh,
                ChineseEmbeddingMaxTokens = EncoderSettings.DefaultChineseMaxTokens, DenseCandidates = MatchScorer.DenseK, Ranker = hp, Languages = ["zh"],
            },
            Scorers = [new LanguageScorer("zh", ranker, IsotonicCalibrator.Fit(scores.Select(s => (double)s).ToList(), rows.Select(r => r.Label > 0).ToList()))],
            Topics = Workspace.Topics,
        };
    }

    public void Dispose() => Workspace.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ScoringCollection : ICollectionFixture<ScoringFixture>
{
    public const string Name = "scoring";
}

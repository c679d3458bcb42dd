using System.Text.Json;
using Matching.Engine.Features;
using Matching.Engine.Text;
using Matching.Engine.Topics;

namespace Matching.Engine.Scoring;

/// <summary>What a model folder says about itself (model.json): enough to load it, serve it and describe it.</summary>
public sealed record ModelManifest
{
    public string Version { get; init; } = "";
    public DateTimeOffset TrainedAt { get; init; }
    /// <summary>The feature names in vector order; a bundle whose list differs from the code's is refused.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];
    /// <summary>The sentence encoder and its input length the ranker was trained with.</summary>
    public string EmbeddingModel { get; init; } = "";
    public int EmbeddingMaxTokens { get; init; } = 256;
    /// <summary>
    /// The Chinese sentence encoder (texts at least half Chinese) and its input length, or null for a model trained
    /// without one (its Chinese texts have no sentence vectors: the features are missing).
    /// </summary>
    public string? ChineseEmbeddingModel { get; init; }
    public int ChineseEmbeddingMaxTokens { get; init; } = 256;
    /// <summary>Candidates per need from the dense list, merged with the BM25 top K (0: BM25 only, as models before hybrid candidates).</summary>
    public int DenseCandidates { get; init; }
    public RankerHyperParameters Ranker { get; init; } = new();
    /// <summary>
    /// The features of the absolute scorer (absolute-{lang}.zip, absolute-calibration-{lang}.json), or null for a
    /// model without one (its shown score is the ranker's calibrated score).
    /// </summary>
    public IReadOnlyList<string>? AbsoluteFeatures { get; init; }
    public RankerHyperParameters? Absolute { get; init; }
    /// <summary>
    /// Per language, which number is shown, stored and summed: "absolute" (the absolute scorer's P(graded ≥ 1)) or
    /// "ranker" (the ranker's isotonic-calibrated score; also when absent). Training chooses by the out-of-fold
    /// pooled AUC of the two over its pairs (<see cref="ModelTrainer.ShownScore"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string>? ShownScores { get; init; }
    /// <summary>Languages whose ranker was trained with other hyper-parameters than <see cref="Ranker"/>.</summary>
    public IReadOnlyDictionary<string, RankerHyperParameters>? RankerByLanguage { get; init; }
    public TopicHyperParameters? Topics { get; init; }
    /// <summary>What the model was trained on, by source (rows, queries).</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
    /// <summary>The languages with a ranker of their own, the first being the fallback.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    /// <summary>
    /// The match floor: the calibrated score at which P(grade ≥ 1) reaches 0.5 on the out-of-fold training pairs the
    /// calibrators were fitted on (<see cref="IsotonicCalibrator.Reaching"/>). Below it a pair is more likely not
    /// relevant than relevant: events book no meeting under it unless pinned, lists stop there. Null in manifests
    /// written before it existed; the bundle then computes it from its calibrators.
    /// </summary>
    public double? MatchFloor { get; init; }
    /// <summary>How an expert's score is made from their profile's and results' pair scores (chosen in training); null in older models (<see cref="ExpertBlend.Legacy"/>).</summary>
    public ExpertBlend? ExpertBlend { get; init; }
    /// <summary>Figures measured when it was trained (held-out and benchmark nDCG@10 and the like).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The record_vectors model name of topic mixtures for this bundle (topics belong to one model version).</summary>
    public string TopicKey => $"topics:{Version}";
}

/// <summary>
/// The scorers of one language's needs: the ranker (which orders a need's list), its isotonic calibrator, and — in
/// models that have one — the absolute scorer, whose P(graded ≥ 1) is the number shown, stored and summed.
/// </summary>
public sealed record LanguageScorer(string Language, RankerModel Ranker, IsotonicCalibrator Calibrator, AbsoluteScorer? Absolute = null, bool ShowsAbsolute = false)
{
    /// <summary>The absolute scorer when it gives the shown score (training chose it: see <see cref="ModelManifest.ShownScores"/>).</summary>
    public AbsoluteScorer? Shown => ShowsAbsolute ? Absolute : null;

    /// <summary>Calibrated 0–1 scores of raw ranker scores (models without an absolute scorer show these).</summary>
    public double[] Calibrate(IReadOnlyList<float> raw) => raw.Select(s => Math.Round(Calibrator.Calibrate(s), 4)).ToArray();

    /// <summary>The 0–1 match scores of a need's rows: the absolute scorer's when there is one, else the ranker's calibrated scores.</summary>
    public double[] Scores(IReadOnlyList<float[]> rows, IReadOnlyList<float> raw) => Shown is { } a ? a.Probabilities(rows) : Calibrate(raw);

    /// <summary>How each feature moved the shown score of a pair (the absolute scorer's margin, else the ranker's score): what its reasons speak for.</summary>
    public float[] Contributions(float[] row) => Shown?.Contributions(row) ?? Ranker.Contributions(row);
}

/// <summary>
/// A complete, loaded scoring model: a ranker and calibrator per language (ranker-{lang}.zip, calibration-{lang}.json),
/// the topic model (topics.zip) and the manifest (model.json), read from one folder. Immutable once loaded; the host
/// swaps whole bundles.
/// <para>
/// Language-aware: a need whose text is at least half Chinese is scored by the "zh" ranker, others by "en". Trained
/// together, the Chinese rows cost the English ranker 0.007 nDCG@10 in cross-validation on SciFact, and the
/// languages' features mean different things (no sentence vector for Chinese, long needs against short claims).
/// </para>
/// </summary>
public sealed class ModelBundle
{
    public const string TopicsFile = "topics.zip";
    public const string ManifestFile = "model.json";
    /// <summary>A need at least this Chinese (share of CJK letters) is scored by the Chinese ranker.</summary>
    public const float ChineseShare = 0.5f;
    private static readonly int CjkFeature = FeatureSchema.IndexOf("cjk_share");

    public required ModelManifest Manifest { get; init; }
    public required IReadOnlyList<LanguageScorer> Scorers { get; init; }
    public TopicModel? Topics { get; init; }

    public string Version => Manifest.Version;

    /// <summary>How experts' scores are blended: the manifest's choice, else the fixed blend of older models.</summary>
    public ExpertBlend Experts => Manifest.ExpertBlend ?? ExpertBlend.Legacy;

    /// <summary>The manifest's match floor, or the one its calibrators give.</summary>
    public double MatchFloor => Manifest.MatchFloor ?? FloorOf(Scorers);

    /// <summary>
    /// The match floor of calibrated scorers: the lowest calibrated score at which any language's out-of-fold
    /// P(grade ≥ 1) reaches 0.5 (their highest score when none does: then nothing is a strong match).
    /// </summary>
    /// <remarks>An absolute scorer's value is P(graded ≥ 1) itself, so its floor is 0.5.</remarks>
    public static double FloorOf(IEnumerable<LanguageScorer> scorers) =>
        Math.Round(scorers.Select(s => s.Shown is not null ? 0.5 : s.Calibrator.Reaching(0.5) ?? s.Calibrator.Probabilities.DefaultIfEmpty(1).Max()).DefaultIfEmpty(0.5).Min(), 4);

    public static string RankerFile(string language) => $"ranker-{language}.zip";
    public static string CalibrationFile(string language) => $"calibration-{language}.json";
    public static string AbsoluteFile(string language) => $"absolute-{language}.zip";
    /// <summary>The <see cref="ModelManifest.ShownScores"/> value of a language whose shown score is the absolute one.</summary>
    public const string ShownAbsolute = "absolute";
    public const string ShownRanker = "ranker";
    public static string AbsoluteCalibrationFile(string language) => $"absolute-calibration-{language}.json";

    /// <summary>The language of a need, from its feature vector (every row of a need carries its CJK share).</summary>
    public static string LanguageOf(float[] features) => features[CjkFeature] >= ChineseShare ? "zh" : "en";

    /// <summary>The scorer for a need's rows: its language's, else the first.</summary>
    public LanguageScorer For(float[] features)
    {
        var language = LanguageOf(features);
        return Scorers.FirstOrDefault(s => s.Language == language) ?? Scorers[0];
    }

    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, ManifestFile));

    public static ModelBundle Load(string folder, MatchingAnalyzer analyzer)
    {
        var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(Path.Combine(folder, ManifestFile)), Json)
            ?? throw new InvalidDataException($"{folder}: empty {ManifestFile}");
        if (!manifest.Features.SequenceEqual(FeatureSchema.Names))
            throw new InvalidDataException($"{folder}: the model was trained on features [{string.Join(", ", manifest.Features)}], " +
                                           $"this build computes [{string.Join(", ", FeatureSchema.Names)}]; retrain it");
        if (manifest.Languages.Count == 0) throw new InvalidDataException($"{folder}: {ManifestFile} names no ranker languages");
        var topics = Path.Combine(folder, TopicsFile);
        return new ModelBundle
        {
            Manifest = manifest,
            Scorers = manifest.Languages.Select(language => new LanguageScorer(language,
                RankerModel.Load(Path.Combine(folder, RankerFile(language))),
                IsotonicCalibrator.FromJson(File.ReadAllText(Path.Combine(folder, CalibrationFile(language)))),
                LoadAbsolute(folder, manifest, language), manifest.ShownScores?.GetValueOrDefault(language) == ShownAbsolute)).ToList(),
            Topics = File.Exists(topics) ? TopicModel.Load(topics, analyzer) : null,
        };
    }

    /// <summary>A language's absolute scorer, when the manifest says the model has them and its files are there (its feature list must be this build's).</summary>
    private static AbsoluteScorer? LoadAbsolute(string folder, ModelManifest manifest, string language)
    {
        if (manifest.AbsoluteFeatures is not { } names) return null;
        if (!names.SequenceEqual(Scoring.AbsoluteFeatures.Names))
            throw new InvalidDataException($"{folder}: the absolute scorer was trained on features [{string.Join(", ", names)}], " +
                                           $"this build computes [{string.Join(", ", Scoring.AbsoluteFeatures.Names)}]; retrain it");
        var model = Path.Combine(folder, AbsoluteFile(language));
        var calibration = Path.Combine(folder, AbsoluteCalibrationFile(language));
        // A language kept from an older model by a retrain has none: it shows its ranker's calibrated score.
        return File.Exists(model) && File.Exists(calibration) ? AbsoluteScorer.Load(model, calibration) : null;
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var scorer in Scorers)
        {
            scorer.Ranker.Save(Path.Combine(folder, RankerFile(scorer.Language)));
            File.WriteAllText(Path.Combine(folder, CalibrationFile(scorer.Language)), scorer.Calibrator.ToJson());
            scorer.Absolute?.Save(Path.Combine(folder, AbsoluteFile(scorer.Language)), Path.Combine(folder, AbsoluteCalibrationFile(scorer.Language)));
        }
        Topics?.Save(Path.Combine(folder, TopicsFile));
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}

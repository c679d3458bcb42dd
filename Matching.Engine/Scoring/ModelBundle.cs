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
    public RankerHyperParameters Ranker { get; init; } = new();
    public TopicHyperParameters? Topics { get; init; }
    /// <summary>What the model was trained on, by source (rows, queries).</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
    /// <summary>Figures measured when it was trained (held-out and benchmark nDCG@10 and the like).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The record_vectors model name of topic mixtures for this bundle (topics belong to one model version).</summary>
    public string TopicKey => $"topics:{Version}";
}

/// <summary>
/// A complete, loaded scoring model: the ranker, its calibrator, the topic model and the manifest, read from one
/// folder (ranker.zip, calibration.json, topics.zip, model.json). Immutable once loaded; the host swaps whole
/// bundles.
/// </summary>
public sealed class ModelBundle
{
    public const string RankerFile = "ranker.zip";
    public const string CalibrationFile = "calibration.json";
    public const string TopicsFile = "topics.zip";
    public const string ManifestFile = "model.json";

    public required ModelManifest Manifest { get; init; }
    public required RankerModel Ranker { get; init; }
    public required IsotonicCalibrator Calibrator { get; init; }
    public TopicModel? Topics { get; init; }

    public string Version => Manifest.Version;

    public static bool Exists(string folder) =>
        File.Exists(Path.Combine(folder, ManifestFile)) && File.Exists(Path.Combine(folder, RankerFile)) && File.Exists(Path.Combine(folder, CalibrationFile));

    public static ModelBundle Load(string folder, MatchingAnalyzer analyzer)
    {
        var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(Path.Combine(folder, ManifestFile)), Json)
            ?? throw new InvalidDataException($"{folder}: empty {ManifestFile}");
        if (!manifest.Features.SequenceEqual(FeatureSchema.Names))
            throw new InvalidDataException($"{folder}: the model was trained on features [{string.Join(", ", manifest.Features)}], " +
                                           $"this build computes [{string.Join(", ", FeatureSchema.Names)}]; retrain it");
        var topics = Path.Combine(folder, TopicsFile);
        return new ModelBundle
        {
            Manifest = manifest,
            Ranker = RankerModel.Load(Path.Combine(folder, RankerFile)),
            Calibrator = IsotonicCalibrator.FromJson(File.ReadAllText(Path.Combine(folder, CalibrationFile))),
            Topics = File.Exists(topics) ? TopicModel.Load(topics, analyzer) : null,
        };
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        Ranker.Save(Path.Combine(folder, RankerFile));
        File.WriteAllText(Path.Combine(folder, CalibrationFile), Calibrator.ToJson());
        Topics?.Save(Path.Combine(folder, TopicsFile));
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(Manifest, Json));
    }

    /// <summary>Calibrated 0–1 match scores of raw ranker scores.</summary>
    public double[] Calibrate(IReadOnlyList<float> raw) => raw.Select(s => Math.Round(Calibrator.Calibrate(s), 4)).ToArray();

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}

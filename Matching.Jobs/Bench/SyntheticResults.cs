using System.Text.Encodings.Web;
using System.Text.Json;
using Matching.Engine.Demo;

namespace Matching.Jobs.Bench;

/// <summary>
/// A seeded generator of result rows for speed runs only (never for quality): titles, abstracts and keywords are
/// recombined from clauses and terms of the demo corpus, so the analyzer sees realistic Chinese text and lengths.
/// </summary>
internal static class SyntheticResults
{
    public static void Write(string path, int count, int seed)
    {
        var rng = new Random(seed);
        var titles = new List<string>();
        var clauses = new List<string>();
        var keywords = new List<string>();
        var organisations = new List<string>();
        using (var reader = new StreamReader(DemoSeeder.Open("results.jsonl")))
        {
            while (reader.ReadLine() is { } line)
            {
                var r = JsonDocument.Parse(line).RootElement;
                titles.Add(r.GetProperty("title").GetString()!);
                clauses.AddRange(r.GetProperty("abstract").GetString()!.Split(['，', '。', '；'], StringSplitOptions.RemoveEmptyEntries));
                keywords.AddRange(r.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()!));
                organisations.Add(r.GetProperty("organisation").GetString()!);
            }
        }
        var json = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
        {
            var abstractText = string.Concat(Enumerable.Range(0, 8 + rng.Next(8)).Select(_ => clauses[rng.Next(clauses.Count)] + (rng.Next(4) == 0 ? "。" : "，"))).TrimEnd('，') + "。";
            var row = new
            {
                id = $"bench-{i:D6}",
                title = titles[rng.Next(titles.Count)] + (rng.Next(2) == 0 ? "及其应用" : "关键技术"),
                @abstract = abstractText,
                keywords = Enumerable.Range(0, 3 + rng.Next(3)).Select(_ => keywords[rng.Next(keywords.Count)]).Distinct().ToArray(),
                organisation = organisations[rng.Next(organisations.Count)],
                maturity = new[] { "实验室", "小试", "中试", "产业化" }[rng.Next(4)],
                language = "zh",
            };
            writer.WriteLine(JsonSerializer.Serialize(row, json));
        }
    }

    /// <summary>
    /// English result rows recombined from the sentences of a BEIR corpus (read where it lies, never copied into the
    /// repository): titles from its titles, abstracts of 5–9 of its sentences, keywords from its title words.
    /// </summary>
    public static void WriteEnglish(string path, int count, int seed, string corpusFile)
    {
        var rng = new Random(seed);
        var titles = new List<string>();
        var sentences = new List<string>();
        foreach (var line in File.ReadLines(corpusFile))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var o = JsonDocument.Parse(line).RootElement;
            var title = o.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            if (title.Length > 0) titles.Add(title);
            sentences.AddRange((o.GetProperty("text").GetString() ?? "").Split(". ", StringSplitOptions.RemoveEmptyEntries).Where(x => x.Length > 20));
            if (titles.Count >= 20_000) break;
        }
        if (titles.Count == 0 || sentences.Count == 0) throw new InvalidDataException($"{corpusFile} has no titled documents to recombine");
        var words = titles.SelectMany(x => x.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(w => w.Length > 5).Distinct().ToList();
        var json = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
        {
            var row = new
            {
                id = $"bench-{i:D6}",
                title = titles[rng.Next(titles.Count)],
                @abstract = string.Join(". ", Enumerable.Range(0, 5 + rng.Next(5)).Select(_ => sentences[rng.Next(sentences.Count)].TrimEnd('.'))) + ".",
                keywords = Enumerable.Range(0, 3 + rng.Next(3)).Select(_ => words[rng.Next(words.Count)].Trim(',', ':', ';')).Distinct().ToArray(),
                maturity = new[] { "实验室", "小试", "中试", "产业化" }[rng.Next(4)],
                language = "en",
            };
            writer.WriteLine(JsonSerializer.Serialize(row, json));
        }
    }
}

using System.CommandLine;
using System.Text;
using Matching.Engine.Candidates;
using Matching.Engine.Hosting;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>search: BM25 over the index, read-only, so it works while a server owns the writer.</summary>
internal static class SearchVerb
{
    public static Command Create(Option<string?> data)
    {
        var text = new Argument<string[]>("text") { Description = "what to search for (Chinese, English or both)", Arity = ArgumentArity.OneOrMore };
        var kind = new Option<string>("--kind") { Description = "results, needs, experts or all", DefaultValueFactory = _ => "all" };
        kind.AcceptOnlyFromAmong("results", "needs", "experts", "all");
        var top = new Option<int>("--top") { Description = "how many per kind", DefaultValueFactory = _ => 10 };
        var command = new Command("search", "Search results, needs and experts") { text, kind, top };
        command.SetAction(parse =>
        {
            var query = string.Join(' ', parse.GetValue(text) ?? []);
            if (query.Length > 2000) { Console.Error.WriteLine("error: the search text is over 2,000 characters"); return 2; }
            var n = Math.Clamp(parse.GetValue(top), 1, 200);
            using var host = CliHost.Services(parse.GetValue(data));
            var indexHost = host.Services.GetRequiredService<IndexHost>();
            try { indexHost.OpenReaders(); }
            catch (Exception e) when (e is InvalidOperationException or IOException or Lucene.Net.Index.IndexNotFoundException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            var retriever = host.Services.GetRequiredService<CandidateRetriever>();
            var store = host.Services.GetRequiredService<RecordStore>();
            var kinds = parse.GetValue(kind) switch
            {
                "results" => new[] { RecordKind.Result },
                "needs" => [RecordKind.Need],
                "experts" => [RecordKind.Expert],
                _ => [RecordKind.Result, RecordKind.Need, RecordKind.Expert],
            };
            var found = 0;
            foreach (var k in kinds)
            {
                var hits = retriever.Search(query, k, n);
                if (hits.Count == 0) continue;
                Console.WriteLine($"== {k.Name()}s ({hits.Count}) ==");
                foreach (var hit in hits)
                {
                    found++;
                    Console.WriteLine($"{hit.Rank,3}. {hit.Id}  {hit.Score:F2}  {Title(store, k, hit.Id)}");
                    var snippet = hit.Snippets.FirstOrDefault(s => s.Field == "body" && s.Spans.Any(x => x.Hit)) ?? hit.Snippets.FirstOrDefault(s => s.Field == "body");
                    if (snippet is not null) Console.WriteLine("     " + Render(snippet));
                }
            }
            if (found == 0) Console.WriteLine($"nothing matches '{query}'");
            return found == 0 ? 1 : 0;
        });
        return command;
    }

    private static string Title(RecordStore store, RecordKind kind, string id) => kind switch
    {
        RecordKind.Result => store.GetResult(id)?.Title,
        RecordKind.Need => store.GetNeed(id)?.PublicView().Title,
        RecordKind.Expert => store.GetExpert(id) is { } e ? $"{e.Name} {e.Title}" : null,
        _ => null,
    } ?? "(deleted)";

    private static string Render(Snippet snippet)
    {
        var sb = new StringBuilder();
        foreach (var span in snippet.Spans)
            sb.Append(span.Hit ? $"【{span.Text}】" : span.Text.ReplaceLineEndings(" "));
        return sb.ToString();
    }
}

using System.CommandLine;

namespace Matching.Jobs.Bench;

/// <summary>bench: end-to-end speed figures printed as one summary line each. Not part of CI.</summary>
internal static class BenchVerb
{
    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    public static Command Create(Option<string?> data)
    {
        var docs = new Option<int>("--docs") { Description = "documents to index", DefaultValueFactory = _ => 20_000 };
        var runs = new Option<int>("--runs") { Description = "timed runs of each path (median reported)", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "generator seed", DefaultValueFactory = _ => 42 };
        var sequential = new Option<bool>("--sequential") { Description = "import everything first, then index (no overlap), to see the database's own cost" };
        var index = new Command("index", "Index throughput: product pipeline vs raw Lucene AddDocument") { docs, runs, seed, sequential };
        index.SetAction(parse => IndexBench.Run(Math.Max(100, parse.GetValue(docs)), Math.Max(1, parse.GetValue(runs)), parse.GetValue(seed), parse.GetValue(sequential)));
        var beir = new Option<string>("--beir") { Description = "BEIR folder whose corpus texts are encoded", DefaultValueFactory = _ => Path.Combine("..", "shared", "eval", "scifact") };
        var embedDocs = new Option<int>("--docs") { Description = "texts to encode", DefaultValueFactory = _ => 256 };
        var embedRuns = new Option<int>("--runs") { Description = "timed runs (median reported)", DefaultValueFactory = _ => 3 };
        var embedModel = new Option<string>("--model") { Description = "minilm (English; against the package as shipped) or bge-zh (Chinese; one text per call against batches of 16)", DefaultValueFactory = _ => "minilm" };
        embedModel.AcceptOnlyFromAmong("minilm", "bge-zh");
        var embed = new Command("embed", "Sentence-embedding throughput: our encoder vs the package as shipped, or the Chinese encoder") { beir, embedDocs, embedRuns, embedModel };
        embed.SetAction(parse => parse.GetValue(embedModel) == "bge-zh"
            ? EmbedBench.RunChinese(parse.GetResult(beir) is not { Implicit: false } ? Path.Combine("..", "shared", "eval", "patents-zh") : parse.GetValue(beir)!, Math.Max(16, parse.GetValue(embedDocs)), Math.Max(1, parse.GetValue(embedRuns)))
            : EmbedBench.Run(parse.GetValue(beir)!, Math.Max(16, parse.GetValue(embedDocs)), Math.Max(1, parse.GetValue(embedRuns))));
        var matchResults = new Option<int>("--results") { Description = "generated results in the corpus", DefaultValueFactory = _ => 100_000 };
        var matchQueries = new Option<int>("--queries") { Description = "needs timed", DefaultValueFactory = _ => 200 };
        var matchK = new Option<int>("--k") { Description = "candidates per need", DefaultValueFactory = _ => 200 };
        var matchRuns = new Option<int>("--runs") { Description = "timed runs over the needs (the median run is reported)", DefaultValueFactory = _ => 3 };
        var matchLanguage = new Option<string>("--language") { Description = "zh: Chinese texts recombined from the demo; en: English texts recombined from a BEIR corpus (--source)", DefaultValueFactory = _ => "zh" };
        matchLanguage.AcceptOnlyFromAmong("zh", "en");
        var matchSource = new Option<string?>("--source") { Description = "the BEIR folder English texts and needs are recombined from (default ../shared/eval/scifact)" };
        var match = new Command("match", "Latency of hybrid candidates + features + ranker for one need, against bare BM25") { matchResults, matchQueries, matchK, seed, matchRuns, matchLanguage, matchSource };
        match.SetAction(parse => MatchBench.Run(Math.Max(1000, parse.GetValue(matchResults)), Math.Max(20, parse.GetValue(matchQueries)), Math.Clamp(parse.GetValue(matchK), 10, 1000),
            parse.GetValue(seed), Math.Max(1, parse.GetValue(matchRuns)), parse.GetValue(matchLanguage)!, parse.GetValue(matchSource)));
        var enterprises = new Option<int>("--enterprises") { Description = "enterprises at the generated event", DefaultValueFactory = _ => 1000 };
        var offers = new Option<int>("--candidates") { Description = "offers (results and expert profiles)", DefaultValueFactory = _ => 1000 };
        var experts = new Option<int>("--experts") { Description = "experts presenting the offers (default: as many as offers)", DefaultValueFactory = _ => 0 };
        var edges = new Option<int>("--edges") { Description = "candidate pairs per enterprise", DefaultValueFactory = _ => 30 };
        var enterpriseCap = new Option<int>("--enterprise-cap") { Description = "meetings per enterprise", DefaultValueFactory = _ => 3 };
        var expertCap = new Option<int>("--expert-cap") { Description = "meetings per expert and per offer", DefaultValueFactory = _ => 5 };
        var slots = new Option<int>("--slots") { Description = "time slots of the event", DefaultValueFactory = _ => 6 };
        var eventRuns = new Option<int>("--runs") { Description = "timed runs (median reported)", DefaultValueFactory = _ => 3 };
        var events = new Command("events", "Meeting solver with slot placement against a greedy baseline") { enterprises, offers, experts, edges, enterpriseCap, expertCap, slots, eventRuns, seed };
        events.SetAction(parse => EventsBench.Run(Math.Clamp(parse.GetValue(enterprises), 1, 100_000), Math.Clamp(parse.GetValue(offers), 1, 100_000),
            parse.GetValue(experts) is > 0 and var x ? Math.Min(x, 100_000) : Math.Clamp(parse.GetValue(offers), 1, 100_000),
            Math.Clamp(parse.GetValue(edges), 1, 1000), Math.Clamp(parse.GetValue(enterpriseCap), 1, 100), Math.Clamp(parse.GetValue(expertCap), 1, 100),
            Math.Clamp(parse.GetValue(slots), 1, 200), Math.Max(1, parse.GetValue(eventRuns)), parse.GetValue(seed)));
        var kills = new Option<int>("--kills") { Description = "times the job server is killed (SIGKILL) and restarted", DefaultValueFactory = _ => 30 };
        var records = new Option<int>("--records") { Description = "records in the import each round", DefaultValueFactory = _ => 5000 };
        var maxDelay = new Option<double>("--max-delay") { Description = "longest wait before a kill, in seconds (each wait is uniform from 0.2 s)", DefaultValueFactory = _ => 6 };
        var keep = new Option<bool>("--keep") { Description = "keep the data directory and the server logs" };
        var chaosPostgres = new Option<string?>("--postgres") { Description = "run on PostgreSQL: an Npgsql connection string to a server where a scratch database may be created" };
        var chaos = new Command("chaos", "Kill the job server at random moments of an import and indexing; check nothing is lost, doubled or corrupt") { kills, records, maxDelay, seed, keep, chaosPostgres };
        chaos.SetAction(parse => ChaosBench.Run(Math.Clamp(parse.GetValue(kills), 1, 1000), Math.Clamp(parse.GetValue(records), 100, 1_000_000), parse.GetValue(seed),
            Math.Clamp(parse.GetValue(maxDelay), 0.5, 120), parse.GetValue(keep), parse.GetValue(chaosPostgres)));
        var jobCount = new Option<int>("--jobs") { Description = "small match jobs per run", DefaultValueFactory = _ => 400 };
        var jobRuns = new Option<int>("--runs") { Description = "timed runs (median reported)", DefaultValueFactory = _ => 3 };
        var workers = new Option<int>("--workers") { Description = "job server workers", DefaultValueFactory = _ => 2 };
        var postgres = new Option<string?>("--postgres") { Description = "an Npgsql connection string to a server where a scratch database may be created (default MATCHING_TEST_POSTGRES)" };
        var jobsCommand = new Command("jobs", "Throughput of small match jobs on SQLite and on PostgreSQL") { jobCount, jobRuns, workers, postgres };
        jobsCommand.SetAction(parse => JobsBench.Run(Math.Clamp(parse.GetValue(jobCount), 10, 100_000), Math.Max(1, parse.GetValue(jobRuns)), Math.Clamp(parse.GetValue(workers), 1, 64), parse.GetValue(postgres)));
        var url = new Option<string>("--url") { Description = "a running Matching.Web", DefaultValueFactory = _ => "http://localhost:5000" };
        var clients = new Option<int>("--clients") { Description = "concurrent clients", DefaultValueFactory = _ => 50 };
        var seconds = new Option<int>("--seconds") { Description = "timed seconds after the warm-up", DefaultValueFactory = _ => 30 };
        var rate = new Option<double>("--rate") { Description = "requests per second per client at most, within the server's allowance (Web:RateLimit, 20/s by default); 0: as fast as they come back", DefaultValueFactory = _ => 4 };
        var keys = new Option<FileInfo?>("--keys") { Description = "API keys, one per line, one per client (make them with: keys issue --role organiser --count 50 --out keys.txt)" };
        var adminKey = new Option<string?>("--admin-key") { Description = "an administrator's API key: also print how many session and key checks the server answered from memory and how many from the database" };
        var web = new Command("web", "Concurrent clients, each with its own API key, on the need page and the matches API of a running Matching.Web") { url, clients, seconds, rate, seed, keys, adminKey };
        web.SetAction((parse, _) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
                return Task.FromResult(Fail($"--url must be an http(s) address, not '{parse.GetValue(url)}'"));
            var count = Math.Clamp(parse.GetValue(clients), 1, 1000);
            if (parse.GetValue(keys) is not { Exists: true } file)
                return Task.FromResult(Fail("--keys: a file of API keys, one per client; make one with: dotnet run -c Release --project Matching.Jobs -- keys issue --role organiser --count 50 --out keys.txt"));
            var secrets = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (secrets.Count < count) return Task.FromResult(Fail($"--keys has {secrets.Count} keys for {count} clients; each client needs its own"));
            return WebBench.Run(server, count, TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 3600)), parse.GetValue(seed), Math.Max(0, parse.GetValue(rate)), secrets,
                parse.GetValue(adminKey)?.Trim());
        });
        return new Command("bench", "Benchmarks that print figures (kept out of CI)") { index, embed, match, events, chaos, jobsCommand, web };
    }
}

using System.Globalization;
using Matching.Engine.Candidates;
using Matching.Engine.Demo;
using Matching.Engine.Features;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Evaluation;

/// <summary>A topic model to use, or the hyper-parameters of one to fit on the workspace's corpus.</summary>
public sealed record OneOfTopics(TopicModel? Model, TopicHyperParameters? Fit)
{
    public static implicit operator OneOfTopics(TopicModel model) => new(model, null);
    public static implicit operator OneOfTopics(TopicHyperParameters fit) => new(null, fit);
}

/// <summary>
/// A scratch copy of a records database — the demo corpus, or a data directory's database — indexed, with a topic
/// model fitted on its texts and every record's vectors stored through the same vector job that serves, for
/// training and evaluating on judgements. Features are computed exactly as serving computes them.
/// </summary>
public sealed class RecordsWorkspace : IDisposable
{
    private RecordsWorkspace(string path, RecordStore store, IndexSet indexes, QueryBuilder queries, MatchingAnalyzer analyzer, VectorModels vectorModels, int denseK)
    {
        DenseK = denseK;
        Path = path;
        Store = store;
        Indexes = indexes;
        Queries = queries;
        VectorModels = vectorModels;
        Vectors = new RecordVectors(store.Database);
        Retriever = new CandidateRetriever(indexes, queries, new SnippetBuilder(analyzer));
    }

    public string Path { get; }
    public RecordStore Store { get; }
    public IndexSet Indexes { get; }
    public QueryBuilder Queries { get; }
    public CandidateRetriever Retriever { get; }
    public RecordVectors Vectors { get; }
    public VectorModels VectorModels { get; }
    /// <summary>Candidates from the dense list per need (0: BM25 only).</summary>
    public int DenseK { get; }
    public TopicModel Topics => VectorModels.Topics!;

    /// <summary>The demo corpus (with the held-out needs, without their judgements).</summary>
    /// <remarks>
    /// Topics: <paramref name="topics"/> is either hyper-parameters (a topic model is fitted on this corpus, as
    /// training does) or a model's own topic model (as serving uses it).
    /// </remarks>
    public static RecordsWorkspace FromDemo(string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms, OneOfTopics topics, EncoderSettings? encoders = null) =>
        Create(scratchRoot, "demo", analyzer, synonyms, topics, encoders ?? new EncoderSettings(), store => new DemoSeeder(store, new Importer(store), withHeldOut: true).SeedIfEmpty());

    /// <summary>
    /// The demo corpus with the vectors <paramref name="bundle"/> serves with (its encoders, its topic model under its
    /// own key), so <see cref="Scorer(IndustryTaxonomy)"/> scores pairs exactly as a server with that model would.
    /// </summary>
    public static RecordsWorkspace FromDemo(string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms, ModelBundle bundle) =>
        Create(scratchRoot, "demo", analyzer, synonyms, bundle.Topics ?? throw new InvalidDataException($"model {bundle.Version} has no topic model"), EncoderSettings.Of(bundle.Manifest),
            store => new DemoSeeder(store, new Importer(store), withHeldOut: true).SeedIfEmpty(), topicKey: bundle.Manifest.TopicKey);

    /// <summary>The serving scorer over this workspace (candidates as serving makes them, pairs as score-pairs scores them).</summary>
    public MatchScorer Scorer(IndustryTaxonomy taxonomy) => Scorer(new FeatureExtractor(Indexes, Store, Queries, taxonomy));

    private MatchScorer Scorer(FeatureExtractor features) => new(features, Vectors, Store, Retriever, new DenseIndexes(Vectors));

    /// <summary>A consistent copy (SQLite online backup) of a data directory's database.</summary>
    public static RecordsWorkspace FromDatabase(string databaseFile, string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms, OneOfTopics topics, EncoderSettings? encoders = null)
    {
        if (!File.Exists(databaseFile)) throw new FileNotFoundException($"no database at {databaseFile}");
        return FromDatabase(new MatchingDatabase(databaseFile), scratchRoot, analyzer, synonyms, topics, encoders);
    }

    /// <summary>A consistent copy of a database (SQLite or PostgreSQL) in a scratch SQLite file.</summary>
    public static RecordsWorkspace FromDatabase(MatchingDatabase database, string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms, OneOfTopics topics, EncoderSettings? encoders = null) =>
        Create(scratchRoot, "data", analyzer, synonyms, topics, encoders ?? new EncoderSettings(), null, database);

    private static RecordsWorkspace Create(string scratchRoot, string name, MatchingAnalyzer analyzer, SynonymDictionary synonyms, OneOfTopics topicSource,
        EncoderSettings encoders, Action<RecordStore>? seed, MatchingDatabase? copyFrom = null, string topicKey = "topics:workspace")
    {
        var path = System.IO.Path.Combine(scratchRoot, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, "matching.db");
        copyFrom?.BackupTo(file);
        var database = new MatchingDatabase(file);
        Migrator.Migrate(database);
        var store = new RecordStore(database);
        seed?.Invoke(store);
        var indexes = IndexSet.OpenWriters(System.IO.Path.Combine(path, "index"), analyzer);
        new IndexMaintainer(store, indexes).CatchUp();

        var texts = Corpus(store);
        var topics = topicSource.Model ?? TopicModel.Fit(texts, analyzer, topicSource.Fit ?? new TopicHyperParameters());
        var vectorModels = encoders.Models(topicKey, topics);
        using (var maintainer = new VectorMaintainer(store, new RecordVectors(database)))
            maintainer.CatchUp(vectorModels);
        return new RecordsWorkspace(path, store, indexes, new QueryBuilder(analyzer, synonyms), analyzer, vectorModels, encoders.DenseK);
    }

    /// <summary>Every live record's text: what a topic model for this corpus is fitted on.</summary>
    public static List<string> Corpus(RecordStore store)
    {
        var results = store.GetResults(store.ActiveIds(RecordKind.Result));
        var needs = store.GetNeeds(store.ActiveIds(RecordKind.Need));
        var experts = store.GetExperts(store.ActiveIds(RecordKind.Expert));
        var theirs = store.ResultsOfExperts(experts.Select(e => e.Id).ToList());
        return results.Select(RecordTexts.Of).Concat(needs.Select(RecordTexts.Of)).Concat(experts.Select(e => RecordTexts.Of(e, theirs[e.Id]))).ToList();
    }

    /// <summary>Judged rows so far whose feature vector was the one logged when the pair was shown (<see cref="Candidates"/>).</summary>
    public int LoggedRows { get; private set; }

    /// <summary>Judged rows so far recomputed from the records as they are now (no vector was logged with the judgement).</summary>
    public int RecomputedRows { get; private set; }

    /// <summary>
    /// Each judged need with its candidates of one kind (results, or experts by profile), their features and the
    /// need's judgements of that kind. Needs with no positive judgement of the kind are skipped. A judged pair whose
    /// judgement carries the feature vector it was shown with (a thumb on a stored list, an outcome of a meeting) gets
    /// that vector, in the list or added to it, so an edit to a record after the judgement does not change what it
    /// teaches; the others are computed from the records now (counted in <see cref="LoggedRows"/> and <see cref="RecomputedRows"/>).
    /// </summary>
    public IEnumerable<QueryCandidates> Candidates(IEnumerable<Judgement> judgements, IndustryTaxonomy taxonomy, int k, RecordKind kind)
    {
        var features = new FeatureExtractor(Indexes, Store, Queries, taxonomy);
        // Candidates as serving makes them: the BM25 top k with the dense list merged in.
        var scorer = Scorer(features);
        var live = Store.ActiveIds(kind).ToHashSet();
        foreach (var group in judgements.GroupBy(j => j.NeedId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var need = Store.GetNeed(group.Key);
            if (need is null) continue;
            var judged = group.Where(j => live.Contains(j.CandidateId)).GroupBy(j => j.CandidateId).ToDictionary(g => g.Key, g => g.Max(j => j.Grade));
            if (!judged.Values.Any(g => g > 0)) continue;
            var candidates = scorer.Candidates(VectorModels, DenseK, need, kind).ToList();
            var needVectors = VectorModels.Lookup(Vectors, RecordKind.Need, [need.Id])(need.Id);
            var lookup = VectorModels.Lookup(Vectors, kind, candidates.Select(c => c.Id).ToList());
            var rows = features.For(kind, need, candidates, k, needVectors, lookup).ToList();
            var logged = group.Where(j => j.Features is not null && judged.ContainsKey(j.CandidateId)).GroupBy(j => j.CandidateId).ToDictionary(g => g.Key, g => g.First().Features!);
            var shownIds = logged.Keys.ToHashSet();
            for (var i = 0; i < candidates.Count; i++)
                if (logged.Remove(candidates[i].Id, out var shown)) { rows[i] = shown; LoggedRows++; }
            foreach (var (id, shown) in logged.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                // Judged when it was shown, out of today's list (its record changed since): its row as shown.
                candidates.Add(new Candidate(id, kind, shown[Bm25Feature], k + 1, 0, []));
                rows.Add(shown);
                LoggedRows++;
            }
            var listed = candidates.Select(c => c.Id).ToHashSet();
            RecomputedRows += judged.Keys.Count(id => listed.Contains(id) && !shownIds.Contains(id));
            yield return new QueryCandidates(need.Id, judged, candidates, rows.ToArray());
        }
    }

    private static readonly int Bm25Feature = FeatureSchema.IndexOf("bm25");

    /// <summary>The held-out Chinese judgements shipped with the demo (dense, written after the training set).</summary>
    public static IReadOnlyList<Judgement> HeldOutJudgements()
    {
        using var stream = DemoSeeder.Open(DemoSeeder.HeldOutJudgements);
        using var reader = new StreamReader(stream);
        return ReadJudgements(reader, "heldout");
    }

    /// <summary>Reads judgements.tsv (need id, candidate id, grade 0–3); malformed lines are an error with their number.</summary>
    public static IReadOnlyList<Judgement> ReadJudgements(TextReader reader, string source)
    {
        var list = new List<Judgement>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split('\t');
            if (parts.Length < 3 || !int.TryParse(parts[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade) || grade is < 0 or > 3)
                throw new InvalidDataException($"{source} line {number}: expected need_id<TAB>candidate_id<TAB>grade 0–3");
            list.Add(new Judgement(parts[0].Trim(), parts[1].Trim(), grade, source));
        }
        return list;
    }

    public void Dispose()
    {
        Indexes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

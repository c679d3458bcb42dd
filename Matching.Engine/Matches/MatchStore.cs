using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Matches;

/// <summary>One stored entry of a need's list: the calibrated score, the retrieval figures, and for an expert the closest result.</summary>
public sealed record StoredMatch(string CandidateId, double Score, float Bm25, int Bm25Rank, double Normalised, string? BestResultId = null, double? BestResultScore = null)
{
    /// <summary>The entry's highlighted snippets, stored for the first <see cref="MatchLists.SnippetDepth"/> of a list; null beyond.</summary>
    public IReadOnlyList<Candidates.Snippet>? Snippets { get; init; }

    /// <summary>What moved the entry's score most, as sentences; stored with the snippets, null beyond them.</summary>
    public IReadOnlyList<Scoring.Reason>? Reasons { get; init; }

    /// <summary>The feature vector the entry was scored with (an expert's: their profile's), kept so that feedback on it trains on what was shown.</summary>
    public float[]? Features { get; init; }
}

/// <summary>A need's stored lists under one model version, best first.</summary>
public sealed record StoredLists(string Model, string NeedId, IReadOnlyList<StoredMatch> Results, IReadOnlyList<StoredMatch> Experts);

/// <summary>
/// A model version whose lists are kept: the log position its full pass covers (<see cref="PassSeq"/>), the position
/// its incremental updates have reached (<see cref="Cursor"/>), and when the full pass finished.
/// </summary>
public sealed record MatchVersion(string Model, long PassSeq, long Cursor, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt)
{
    public bool Complete => CompletedAt is not null;
}

/// <summary>
/// The stored match lists (migration 0006). Written only by <see cref="MatchMaintainer"/>; read by <see cref="MatchLists"/>.
/// A need's lists are replaced whole in one transaction, so a reader sees the old lists or the new ones.
/// </summary>
public sealed class MatchStore(MatchingDatabase database)
{
    private const int Chunk = 500;

    public MatchVersion? Version(string model) => Versions().FirstOrDefault(v => v.Model == model);

    /// <summary>Every kept version, oldest first.</summary>
    public IReadOnlyList<MatchVersion> Versions()
    {
        using var connection = database.Open();
        return connection.Query<(string Model, long PassSeq, long Cursor, string StartedAt, string? CompletedAt)>(
                "SELECT model, pass_seq, cursor, started_at, completed_at FROM match_versions ORDER BY started_at, model")
            .Select(v => new MatchVersion(v.Model, v.PassSeq, v.Cursor, Rows.Time(v.StartedAt)!.Value, Rows.Time(v.CompletedAt)))
            .ToList();
    }

    /// <summary>
    /// The version whose lists are served: <paramref name="active"/> once its full pass is complete, else the version
    /// completed most recently (the old lists keep serving while a new model's pass runs); null when none is.
    /// </summary>
    public string? Serving(string? active)
    {
        var complete = Versions().Where(v => v.Complete).ToList();
        if (active is not null && complete.Any(v => v.Model == active)) return active;
        return complete.OrderBy(v => v.CompletedAt).LastOrDefault()?.Model;
    }

    /// <summary>Starts a full pass of <paramref name="model"/> covering the log up to <paramref name="passSeq"/>.</summary>
    public MatchVersion StartPass(string model, long passSeq)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO match_versions (model, pass_seq, cursor, started_at, completed_at) VALUES (@model, @passSeq, 0, @now, NULL)
            ON CONFLICT (model) DO UPDATE SET pass_seq = excluded.pass_seq, cursor = 0, started_at = excluded.started_at, completed_at = NULL
            """, new { model, passSeq, now = Rows.Now() });
        return Version(model)!;
    }

    /// <summary>Marks the full pass done: the lists now cover the log up to its position, and they may be served.</summary>
    public void CompletePass(string model)
    {
        using var connection = database.Open();
        connection.Execute("UPDATE match_versions SET completed_at = @now, cursor = pass_seq WHERE model = @model", new { model, now = Rows.Now() });
    }

    /// <summary>Records that the incremental updates have reached <paramref name="seq"/>.</summary>
    public void SetCursor(string model, long seq)
    {
        using var connection = database.Open();
        connection.Execute("UPDATE match_versions SET cursor = @seq WHERE model = @model AND cursor < @seq", new { model, seq });
    }

    /// <summary>A need's stored lists, or null when this version has not matched it.</summary>
    public StoredLists? Get(string model, string needId)
    {
        using var connection = database.Open();
        var matched = connection.ExecuteScalar<long?>("SELECT seq FROM matched_needs WHERE model = @model AND need_id = @needId", new { model, needId });
        if (matched is null) return null;
        var rows = connection.Query<Row>($"SELECT kind AS Kind, candidate_id AS CandidateId, score AS Score, bm25 AS Bm25, bm25_rank AS Bm25Rank, normalised AS Normalised, best_result_id AS BestResultId, best_result_score AS BestResultScore, snippets AS Snippets, reasons AS Reasons, features AS Features FROM match_lists WHERE model = @model AND need_id = @needId ORDER BY kind, rank",
            new { model, needId }).ToList();
        return new StoredLists(model, needId, Entries(rows, RecordKind.Result), Entries(rows, RecordKind.Expert));
    }

    /// <summary>
    /// Replaces the lists of these needs under their model, and records them as matched at <paramref name="seq"/>,
    /// all in one transaction.
    /// </summary>
    public void Put(long seq, IReadOnlyList<StoredLists> lists)
    {
        if (lists.Count == 0) return;
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var now = Rows.Now();
        foreach (var list in lists)
        {
            connection.Execute("DELETE FROM match_lists WHERE model = @Model AND need_id = @NeedId", new { list.Model, list.NeedId }, tx);
            var rows = list.Results.Select((m, i) => (Kind: RecordKind.Result, Rank: i + 1, Match: m))
                .Concat(list.Experts.Select((m, i) => (Kind: RecordKind.Expert, Rank: i + 1, Match: m))).ToList();
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                // In process, one prepared statement per row is cheapest (a 1,000-parameter statement is parsed each time).
                connection.Execute($"""
                    INSERT INTO match_lists (model, need_id, kind, rank, {Columns})
                    VALUES (@Model, @NeedId, @Kind, @Rank, @CandidateId, @Score, @Bm25, @Bm25Rank, @Normalised, @BestResultId, @BestResultScore, @Snippets, @Reasons, @Features)
                    """, rows.Select(x => new
                    {
                        list.Model, list.NeedId, Kind = x.Kind.Name(), x.Rank, x.Match.CandidateId, x.Match.Score, Bm25 = (double)x.Match.Bm25, x.Match.Bm25Rank,
                        x.Match.Normalised, x.Match.BestResultId, x.Match.BestResultScore, Snippets = SnippetsJson(x.Match), Reasons = ReasonsJson(x.Match),
                        Features = Features.FeatureLog.EncodeOrNull(x.Match.Features),
                    }), tx);
            }
            else if (rows.Count > 0)
            {
                // Over the network, one statement per need: a round trip per row cost more than the scoring (bench jobs).
                var args = new DynamicParameters();
                args.Add("model", list.Model);
                args.Add("need", list.NeedId);
                var values = new List<string>(rows.Count);
                for (var r = 0; r < rows.Count; r++)
                {
                    var (kind, rank, m) = rows[r];
                    values.Add($"(@model, @need, @k{r}, @r{r}, @c{r}, @s{r}, @b{r}, @br{r}, @n{r}, @e{r}, @es{r}, @sn{r}, @rs{r}, @f{r})");
                    args.Add($"k{r}", kind.Name());
                    args.Add($"r{r}", (long)rank);
                    args.Add($"c{r}", m.CandidateId);
                    args.Add($"s{r}", m.Score);
                    args.Add($"b{r}", (double)m.Bm25);
                    args.Add($"br{r}", (long)m.Bm25Rank);
                    args.Add($"n{r}", m.Normalised);
                    args.Add($"e{r}", m.BestResultId, System.Data.DbType.String);
                    args.Add($"es{r}", m.BestResultScore, System.Data.DbType.Double);
                    args.Add($"sn{r}", SnippetsJson(m), System.Data.DbType.String);
                    args.Add($"rs{r}", ReasonsJson(m), System.Data.DbType.String);
                    args.Add($"f{r}", Features.FeatureLog.EncodeOrNull(m.Features), System.Data.DbType.String);
                }
                connection.Execute($"INSERT INTO match_lists (model, need_id, kind, rank, {Columns}) VALUES {string.Join(", ", values)}", args, tx);
            }
            connection.Execute("""
                INSERT INTO matched_needs (model, need_id, seq, computed_at) VALUES (@Model, @NeedId, @seq, @now)
                ON CONFLICT (model, need_id) DO UPDATE SET seq = excluded.seq, computed_at = excluded.computed_at
                """, new { list.Model, list.NeedId, seq, now }, tx);
        }
        tx.Commit();
    }

    /// <summary>Drops the lists of needs that are no longer open.</summary>
    public void Remove(string model, IReadOnlyCollection<string> needIds)
    {
        if (needIds.Count == 0) return;
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        foreach (var chunk in needIds.Chunk(Chunk))
        {
            connection.Execute(database.Sql("DELETE FROM match_lists WHERE model = @model AND need_id IN @chunk"), new { model, chunk }, tx);
            connection.Execute(database.Sql("DELETE FROM matched_needs WHERE model = @model AND need_id IN @chunk"), new { model, chunk }, tx);
        }
        tx.Commit();
    }

    /// <summary>The needs whose lists under <paramref name="model"/> hold any of these candidates.</summary>
    public IReadOnlySet<string> NeedsListing(string model, IReadOnlyCollection<string> candidateIds)
    {
        var needs = new HashSet<string>();
        if (candidateIds.Count == 0) return needs;
        using var connection = database.Open();
        foreach (var chunk in candidateIds.Distinct().Chunk(Chunk))
            needs.UnionWith(connection.Query<string>(database.Sql("SELECT DISTINCT need_id FROM match_lists WHERE model = @model AND candidate_id IN @chunk"), new { model, chunk }));
        return needs;
    }

    /// <summary>The needs this version has matched, with the log position each was matched at.</summary>
    public IReadOnlyDictionary<string, long> Matched(string model)
    {
        using var connection = database.Open();
        return connection.Query<(string NeedId, long Seq)>("SELECT need_id, seq FROM matched_needs WHERE model = @model", new { model })
            .ToDictionary(m => m.NeedId, m => m.Seq);
    }

    /// <summary>Rows stored for a version (for tests and the consistency check).</summary>
    public long Count(string model)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM match_lists WHERE model = @model", new { model });
    }

    /// <summary>
    /// Drops every version except <paramref name="keep"/> and the <paramref name="completeToKeep"/> most recently
    /// completed (a rollback serves its old lists at once); returns the versions dropped.
    /// </summary>
    public IReadOnlyList<string> Prune(string? keep, int completeToKeep = 2)
    {
        var versions = Versions();
        var kept = versions.Where(v => v.Complete).OrderByDescending(v => v.CompletedAt).Take(completeToKeep).Select(v => v.Model).ToHashSet();
        if (keep is not null) kept.Add(keep);
        var dropped = versions.Select(v => v.Model).Where(m => !kept.Contains(m)).ToList();
        if (dropped.Count == 0) return dropped;
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        connection.Execute(database.Sql("DELETE FROM match_lists WHERE model IN @dropped"), new { dropped }, tx);
        connection.Execute(database.Sql("DELETE FROM matched_needs WHERE model IN @dropped"), new { dropped }, tx);
        connection.Execute(database.Sql("DELETE FROM match_versions WHERE model IN @dropped"), new { dropped }, tx);
        tx.Commit();
        return dropped;
    }

    private const string Columns = "candidate_id, score, bm25, bm25_rank, normalised, best_result_id, best_result_score, snippets, reasons, features";

    private static string? SnippetsJson(StoredMatch m) => m.Snippets is null ? null : System.Text.Json.JsonSerializer.Serialize(m.Snippets);

    private static string? ReasonsJson(StoredMatch m) => m.Reasons is null ? null : System.Text.Json.JsonSerializer.Serialize(m.Reasons);

    private static List<StoredMatch> Entries(List<Row> rows, RecordKind kind) =>
        rows.Where(r => r.Kind == kind.Name())
            .Select(r => new StoredMatch(r.CandidateId, r.Score, (float)r.Bm25, (int)r.Bm25Rank, r.Normalised, r.BestResultId, r.BestResultScore)
            {
                Snippets = r.Snippets is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<Candidates.Snippet>>(r.Snippets),
                Reasons = r.Reasons is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<Scoring.Reason>>(r.Reasons),
                Features = Features.FeatureLog.Decode(r.Features),
            })
            .ToList();

    private sealed class Row
    {
        public string Kind { get; set; } = "";
        public string CandidateId { get; set; } = "";
        public double Score { get; set; }
        public double Bm25 { get; set; }
        public long Bm25Rank { get; set; }
        public double Normalised { get; set; }
        public string? BestResultId { get; set; }
        public double? BestResultScore { get; set; }
        public string? Features { get; set; }
        public string? Snippets { get; set; }
        public string? Reasons { get; set; }
    }
}

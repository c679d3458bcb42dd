using System.Data.Common;
using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Text;

namespace Matching.Engine.Storage;

/// <summary>
/// One write transaction over the records. Every upsert or withdrawal appends to the change log in the same
/// transaction, so the log is exactly as durable as the records it describes. Dispose without
/// <see cref="Commit"/> rolls everything back.
/// </summary>
public sealed partial class RecordWriter : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _tx;
    private readonly string _now = Rows.Now();
    private bool _done;

    internal RecordWriter(MatchingDatabase database)
    {
        _connection = database.Open();
        _tx = _connection.BeginTransaction();
        database.LockChangeLog(_connection, _tx);
    }

    /// <summary>Changes appended by this writer so far.</summary>
    public int ChangeCount { get; private set; }

    /// <summary>Inserts or updates an organisation and its name index (name and every alias).</summary>
    public void Upsert(Organisation o)
    {
        _connection.Execute("""
            INSERT INTO organisations (id, name, kind, aliases, parent_id, region, zone, status, created_at, updated_at)
            VALUES (@Id, @Name, @Kind, @Aliases, @Parent, @Region, @Zone, @Status, @now, @now)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, aliases = excluded.aliases,
                parent_id = excluded.parent_id, region = excluded.region, zone = excluded.zone,
                status = excluded.status, updated_at = excluded.updated_at
            """, new { o.Id, o.Name, o.Kind, Aliases = JsonList.Write(o.Aliases), o.Parent, o.Region, o.Zone, o.Status, now = _now }, _tx);
        _connection.Execute("DELETE FROM organisation_names WHERE organisation_id = @Id", new { o.Id }, _tx);
        foreach (var name in o.Aliases.Prepend(o.Name).Select(OrganisationNames.Key).Where(k => k.Length > 0).Distinct())
        {
            _connection.Execute("""
                INSERT INTO organisation_names (name_key, organisation_id) VALUES (@name, @Id)
                ON CONFLICT (name_key) DO UPDATE SET organisation_id = excluded.organisation_id
                """, new { name, o.Id }, _tx);
        }
        Log(RecordKind.Organisation, o.Id, "upsert");
    }

    /// <summary>Inserts or updates a result; its experts, old and new, are logged as touched so their profiles re-index.</summary>
    public void Upsert(ResearchResult r)
    {
        _connection.Execute("""
            INSERT INTO results (id, title, abstract, keywords, organisation_id, experts, industries, maturity, cooperation,
                price_min, price_max, language, visibility, status, created_at, updated_at)
            VALUES (@Id, @Title, @Abstract, @Keywords, @Organisation, @Experts, @Industries, @Maturity, @Cooperation,
                @PriceMin, @PriceMax, @Language, @Visibility, @Status, @now, @now)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, abstract = excluded.abstract, keywords = excluded.keywords,
                organisation_id = excluded.organisation_id, experts = excluded.experts, industries = excluded.industries,
                maturity = excluded.maturity, cooperation = excluded.cooperation, price_min = excluded.price_min,
                price_max = excluded.price_max, language = excluded.language, visibility = excluded.visibility,
                status = excluded.status, updated_at = excluded.updated_at
            """, new
        {
            r.Id, r.Title, r.Abstract, Keywords = JsonList.Write(r.Keywords), r.Organisation, Experts = JsonList.Write(r.Experts),
            Industries = JsonList.Write(r.Industries), r.Maturity, Cooperation = JsonList.Write(r.Cooperation),
            PriceMin = r.Price?.Min, PriceMax = r.Price?.Max, r.Language, r.Visibility, r.Status, now = _now,
        }, _tx);
        var previous = _connection.Query<string>("SELECT expert_id FROM result_experts WHERE result_id = @Id", new { r.Id }, _tx).ToList();
        if (previous.Count > 0 || r.Experts.Count > 0)
        {
            _connection.Execute("DELETE FROM result_experts WHERE result_id = @Id", new { r.Id }, _tx);
            foreach (var expert in r.Experts.Distinct())
                _connection.Execute("INSERT INTO result_experts (result_id, expert_id) VALUES (@Id, @expert)", new { r.Id, expert }, _tx);
        }
        Log(RecordKind.Result, r.Id, "upsert");
        foreach (var expert in previous.Union(r.Experts))
            Log(RecordKind.Expert, expert, "touch");
    }

    /// <summary>Inserts or updates an expert.</summary>
    public void Upsert(Expert e)
    {
        _connection.Execute("""
            INSERT INTO experts (id, name, organisation_id, title, areas, bio, public_profile, status, created_at, updated_at)
            VALUES (@Id, @Name, @Organisation, @Title, @Areas, @Bio, @PublicProfile, @Status, @now, @now)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, organisation_id = excluded.organisation_id,
                title = excluded.title, areas = excluded.areas, bio = excluded.bio, public_profile = excluded.public_profile,
                status = excluded.status, updated_at = excluded.updated_at
            """, new { e.Id, e.Name, e.Organisation, e.Title, Areas = JsonList.Write(e.Areas), e.Bio, PublicProfile = e.PublicProfile ? 1 : 0, e.Status, now = _now }, _tx);
        Log(RecordKind.Expert, e.Id, "upsert");
    }

    /// <summary>Inserts or updates a need.</summary>
    public void Upsert(TechNeed n)
    {
        _connection.Execute("""
            INSERT INTO needs (id, title, description, keywords, organisation_id, industries, zone, maturity, cooperation,
                budget_min, budget_max, deadline, visibility, language, status, created_at, updated_at)
            VALUES (@Id, @Title, @Description, @Keywords, @Organisation, @Industries, @Zone, @Maturity, @Cooperation,
                @BudgetMin, @BudgetMax, @Deadline, @Visibility, @Language, @Status, @now, @now)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
                keywords = excluded.keywords, organisation_id = excluded.organisation_id, industries = excluded.industries,
                zone = excluded.zone, maturity = excluded.maturity, cooperation = excluded.cooperation,
                budget_min = excluded.budget_min, budget_max = excluded.budget_max, deadline = excluded.deadline,
                visibility = excluded.visibility, language = excluded.language, status = excluded.status,
                updated_at = excluded.updated_at
            """, new
        {
            n.Id, n.Title, n.Description, Keywords = JsonList.Write(n.Keywords), n.Organisation,
            Industries = JsonList.Write(n.Industries), n.Zone, n.Maturity, Cooperation = JsonList.Write(n.Cooperation),
            BudgetMin = n.Budget?.Min, BudgetMax = n.Budget?.Max, Deadline = n.Deadline?.ToString("yyyy-MM-dd"),
            n.Visibility, n.Language, n.Status, now = _now,
        }, _tx);
        Log(RecordKind.Need, n.Id, "upsert");
    }

    /// <summary>Inserts or updates a judgement (one per need, candidate and source).</summary>
    public void Upsert(Judgement j)
    {
        _connection.Execute("""
            INSERT INTO judgements (need_id, candidate_id, grade, source, created_at, model, features) VALUES (@NeedId, @CandidateId, @Grade, @Source, @now, @Model, @features)
            ON CONFLICT (need_id, candidate_id, source) DO UPDATE SET grade = excluded.grade, created_at = excluded.created_at,
                model = excluded.model, features = excluded.features
            """, new { j.NeedId, j.CandidateId, j.Grade, j.Source, now = _now, j.Model, features = Features.FeatureLog.EncodeOrNull(j.Features) }, _tx);
        Log(RecordKind.Judgement, j.NeedId + "\t" + j.CandidateId, "upsert");
    }

    /// <summary>Sets a record's status (withdrawn, closed, active); returns false when there is no such record.</summary>
    public bool SetStatus(RecordKind kind, string id, string status)
    {
        var table = RecordStore.Table(kind);
        var changed = _connection.Execute($"UPDATE {table} SET status = @status, updated_at = @now WHERE id = @id",
            new { id, status, now = _now }, _tx);
        if (changed == 0) return false;
        Log(kind, id, status == RecordStatus.Active ? "upsert" : status);
        if (kind == RecordKind.Result)
            foreach (var expert in _connection.Query<string>("SELECT expert_id FROM result_experts WHERE result_id = @id", new { id }, _tx))
                Log(RecordKind.Expert, expert, "touch");
        return true;
    }

    /// <summary>
    /// Erases an expert for good (PIPL): their row, their place on results, judgements about them, their vectors and
    /// their part in events. The change log says "erase", so the index drops them and every stored list that held
    /// them is computed again. Returns false when there is no such expert.
    /// </summary>
    public bool EraseExpert(string id)
    {
        var results = _connection.Query<string>("SELECT result_id FROM result_experts WHERE expert_id = @id", new { id }, _tx).ToList();
        foreach (var resultId in results)
        {
            var experts = JsonList.Read(_connection.QueryFirst<string>("SELECT experts FROM results WHERE id = @resultId", new { resultId }, _tx));
            _connection.Execute("UPDATE results SET experts = @experts, updated_at = @now WHERE id = @resultId",
                new { resultId, experts = JsonList.Write(experts.Where(e => e != id).ToList()), now = _now }, _tx);
        }
        _connection.Execute("DELETE FROM result_experts WHERE expert_id = @id", new { id }, _tx);
        _connection.Execute("DELETE FROM judgements WHERE candidate_id = @id", new { id }, _tx);
        _connection.Execute("DELETE FROM record_vectors WHERE kind = 'expert' AND id = @id", new { id }, _tx);
        _connection.Execute("DELETE FROM event_participants WHERE kind = 'expert' AND id = @id", new { id }, _tx);
        foreach (var table in new[] { "event_constraints", "event_meetings", "event_outcomes", "event_requests" })
            _connection.Execute($"DELETE FROM {table} WHERE offer_kind = 'expert' AND offer_id = @id", new { id }, _tx);
        if (_connection.Execute("DELETE FROM experts WHERE id = @id", new { id }, _tx) == 0) return false;
        Log(RecordKind.Expert, id, "erase");
        foreach (var resultId in results) Log(RecordKind.Result, resultId, "touch");
        return true;
    }

    /// <summary>Closes every active need whose deadline is before <paramref name="today"/>; returns their ids.</summary>
    public IReadOnlyList<string> CloseExpiredNeeds(DateOnly today)
    {
        var ids = _connection.Query<string>(
            "SELECT id FROM needs WHERE status = 'active' AND deadline IS NOT NULL AND deadline < @today",
            new { today = today.ToString("yyyy-MM-dd") }, _tx).ToList();
        foreach (var id in ids) SetStatus(RecordKind.Need, id, RecordStatus.Closed);
        return ids;
    }

    /// <summary>Commits records and change log together.</summary>
    public void Commit()
    {
        _tx.Commit();
        _done = true;
    }

    public void Dispose()
    {
        if (!_done) _tx.Rollback();
        _tx.Dispose();
        _connection.Dispose();
    }

    private void Log(RecordKind kind, string id, string op)
    {
        _connection.Execute("INSERT INTO changes (entity, entity_id, op, at) VALUES (@entity, @id, @op, @now)",
            new { entity = kind.Name(), id, op, now = _now }, _tx);
        ChangeCount++;
    }
}

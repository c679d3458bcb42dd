using System.Data.Common;
using System.Text;
using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Text;

namespace Matching.Engine.Storage;

/// <summary>Reads and writes the records. The database is the source of truth; the index is derived from it.</summary>
public sealed class RecordStore(MatchingDatabase database)
{
    public MatchingDatabase Database { get; } = database;

    /// <summary>Starts a write transaction; commit it to keep the writes.</summary>
    public RecordWriter BeginWrite() => new(Database);

    internal static string Table(RecordKind kind) => kind switch
    {
        RecordKind.Organisation => "organisations",
        RecordKind.Result => "results",
        RecordKind.Expert => "experts",
        RecordKind.Need => "needs",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no table of records"),
    };

    public Organisation? GetOrganisation(string id) => GetOrganisations([id]).FirstOrDefault();
    public ResearchResult? GetResult(string id) => GetResults([id]).FirstOrDefault();
    public Expert? GetExpert(string id) => GetExperts([id]).FirstOrDefault();
    public TechNeed? GetNeed(string id) => GetNeeds([id]).FirstOrDefault();

    public IReadOnlyList<Organisation> GetOrganisations(IReadOnlyCollection<string> ids) =>
        ByIds<OrganisationRow>("organisations", OrganisationRow.Columns, ids).Select(r => r.ToRecord()).ToList();
    public IReadOnlyList<ResearchResult> GetResults(IReadOnlyCollection<string> ids) =>
        ByIds<ResultRow>("results", ResultRow.Columns, ids).Select(r => r.ToRecord()).ToList();
    public IReadOnlyList<Expert> GetExperts(IReadOnlyCollection<string> ids) =>
        ByIds<ExpertRow>("experts", ExpertRow.Columns, ids).Select(r => r.ToRecord()).ToList();
    public IReadOnlyList<TechNeed> GetNeeds(IReadOnlyCollection<string> ids) =>
        ByIds<NeedRow>("needs", NeedRow.Columns, ids).Select(r => r.ToRecord()).ToList();

    /// <summary>The results each expert is on, keyed by expert id.</summary>
    public ILookup<string, ResearchResult> ResultsOfExperts(IReadOnlyCollection<string> expertIds)
    {
        if (expertIds.Count == 0) return Array.Empty<ResearchResult>().ToLookup(_ => "");
        using var connection = Database.Open();
        var pairs = new List<(string Expert, string Result)>();
        foreach (var chunk in expertIds.Chunk(500))
            pairs.AddRange(connection.Query<(string, string)>(
                Database.Sql("SELECT expert_id, result_id FROM result_experts WHERE expert_id IN @chunk"), new { chunk }));
        var results = GetResults(pairs.Select(p => p.Result).Distinct().ToList()).ToDictionary(r => r.Id);
        return pairs.Where(p => results.ContainsKey(p.Result)).ToLookup(p => p.Expert, p => results[p.Result]);
    }

    /// <summary>Finds an organisation by id, name or alias (folded: 川大, 四川大学 and 四川大學 all work).</summary>
    public string? ResolveOrganisation(string reference)
    {
        using var connection = Database.Open();
        return connection.QueryFirstOrDefault<string>("SELECT id FROM organisations WHERE id = @reference", new { reference })
            ?? connection.QueryFirstOrDefault<string>("SELECT organisation_id FROM organisation_names WHERE name_key = @key",
                new { key = OrganisationNames.Key(reference) });
    }

    public Page<Organisation> ListOrganisations(ListQuery q) =>
        List<OrganisationRow, Organisation>("organisations", OrganisationRow.Columns, q, r => r.ToRecord());
    public Page<ResearchResult> ListResults(ListQuery q) =>
        List<ResultRow, ResearchResult>("results", ResultRow.Columns, q, r => r.ToRecord());
    public Page<Expert> ListExperts(ListQuery q) =>
        List<ExpertRow, Expert>("experts", ExpertRow.Columns, q, r => r.ToRecord());
    public Page<TechNeed> ListNeeds(ListQuery q) =>
        List<NeedRow, TechNeed>("needs", NeedRow.Columns, q, r => r.ToRecord());

    /// <summary>When the newest judgement was written, or null when there is none.</summary>
    public DateTimeOffset? LatestJudgementAt()
    {
        using var connection = Database.Open();
        return Rows.Time(connection.ExecuteScalar<string?>("SELECT MAX(created_at) FROM judgements"));
    }

    /// <summary>All judgements, optionally from one source.</summary>
    public IReadOnlyList<Judgement> Judgements(string? source = null)
    {
        using var connection = Database.Open();
        return connection.Query<(string, string, long, string, string?, string?)>(
                "SELECT need_id, candidate_id, grade, source, model, features FROM judgements WHERE @source IS NULL OR source = @source ORDER BY need_id, candidate_id, source",
                new { source })
            .Select(j => new Judgement(j.Item1, j.Item2, (int)j.Item3, j.Item4) { Model = j.Item5, Features = Features.FeatureLog.Decode(j.Item6) }).ToList();
    }

    /// <summary>
    /// Every judgement of a result or expert belonging to one of <paramref name="organisations"/>: (organisation, need,
    /// grade), for the organisations' track records.
    /// </summary>
    public IReadOnlyList<(string Organisation, string NeedId, int Grade)> JudgementsOfOrganisations(IReadOnlyCollection<string> organisations)
    {
        if (organisations.Count == 0) return [];
        using var connection = Database.Open();
        var list = new List<(string, string, int)>();
        foreach (var chunk in organisations.Distinct().Chunk(500))
            list.AddRange(connection.Query<(string, string, long)>(Database.Sql("""
                    SELECT r.organisation_id, j.need_id, j.grade FROM judgements j JOIN results r ON r.id = j.candidate_id WHERE r.organisation_id IN @chunk
                    UNION ALL
                    SELECT e.organisation_id, j.need_id, j.grade FROM judgements j JOIN experts e ON e.id = j.candidate_id WHERE e.organisation_id IN @chunk
                    """), new { chunk })
                .Select(x => (x.Item1, x.Item2, (int)x.Item3)));
        return list;
    }

    /// <summary>Row counts per table, for the health endpoint and summaries.</summary>
    public IReadOnlyDictionary<string, long> Counts()
    {
        using var connection = Database.Open();
        return new Dictionary<string, long>
        {
            ["organisations"] = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM organisations"),
            ["results"] = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM results"),
            ["experts"] = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM experts"),
            ["needs"] = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM needs"),
            ["judgements"] = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM judgements"),
        };
    }

    /// <summary>True when no record of any kind exists (demo data is seeded then).</summary>
    public bool IsEmpty() => Counts().Where(c => c.Key != "judgements").All(c => c.Value == 0);

    /// <summary>The change log after <paramref name="afterSeq"/>, oldest first.</summary>
    public IReadOnlyList<Change> ChangesAfter(long afterSeq, int limit)
    {
        using var connection = Database.Open();
        return connection.Query<(long, string, string, string)>(
                "SELECT seq, entity, entity_id, op FROM changes WHERE seq > @afterSeq ORDER BY seq LIMIT @limit",
                new { afterSeq, limit })
            .Select(c => new Change(c.Item1, c.Item2, c.Item3, c.Item4)).ToList();
    }

    /// <summary>The newest change-log sequence, 0 when the log is empty.</summary>
    public long LastSeq()
    {
        using var connection = Database.Open();
        return connection.ExecuteScalar<long?>("SELECT MAX(seq) FROM changes") ?? 0;
    }

    /// <summary>Ids of every active record of a kind, for a full index rebuild.</summary>
    public IReadOnlyList<string> ActiveIds(RecordKind kind)
    {
        using var connection = Database.Open();
        return connection.Query<string>($"SELECT id FROM {Table(kind)} WHERE status = 'active' ORDER BY id").ToList();
    }

    /// <summary>The active needs of each organisation, keyed by organisation id.</summary>
    public ILookup<string, string> ActiveNeedsOf(IReadOnlyCollection<string> organisations)
    {
        using var connection = Database.Open();
        var rows = new List<(string Organisation, string Id)>();
        foreach (var chunk in organisations.Distinct().Chunk(500))
            rows.AddRange(connection.Query<(string, string)>(
                Database.Sql("SELECT organisation_id, id FROM needs WHERE status = 'active' AND organisation_id IN @chunk ORDER BY id"), new { chunk }));
        return rows.ToLookup(r => r.Organisation, r => r.Id);
    }

    /// <summary>Every active organisation's id, name and kind, by kind and name: the choices of the admin forms.</summary>
    public IReadOnlyList<(string Id, string Name, string? Kind)> OrganisationChoices()
    {
        using var connection = Database.Open();
        return connection.Query<(string, string, string?)>("SELECT id, name, kind FROM organisations WHERE status = 'active' ORDER BY kind, name, id").ToList();
    }

    /// <summary>The regions organisations are in, for filters.</summary>
    public IReadOnlyList<string> Regions()
    {
        using var connection = Database.Open();
        return connection.Query<string>(
            "SELECT DISTINCT region FROM organisations WHERE status = 'active' AND region IS NOT NULL AND region <> '' ORDER BY region").ToList();
    }

    /// <summary>Which of these ids already exist for a kind.</summary>
    public IReadOnlySet<string> ExistingIds(RecordKind kind, IReadOnlyCollection<string> ids)
    {
        var found = new HashSet<string>();
        if (ids.Count == 0) return found;
        using var connection = Database.Open();
        foreach (var chunk in ids.Distinct().Chunk(500))
            found.UnionWith(connection.Query<string>(Database.SqlOfLists($"SELECT id FROM {Table(kind)} WHERE id IN @chunk"), new { chunk = Database.List(chunk) }));
        return found;
    }

    /// <summary>Every active need that is not public: its id, visibility and organisation (who reads it in full).</summary>
    public IReadOnlyList<(string Id, string Visibility, string? Organisation)> NonPublicNeeds()
    {
        using var connection = Database.Open();
        return connection.Query<(string, string, string?)>(
            "SELECT id, visibility, organisation_id FROM needs WHERE visibility <> 'public' AND status = 'active'").ToList();
    }

    /// <summary>The organisation of each existing record among <paramref name="ids"/> (null when it has none).</summary>
    public IReadOnlyDictionary<string, string?> OrganisationsOf(RecordKind kind, IReadOnlyCollection<string> ids)
    {
        var found = new Dictionary<string, string?>();
        if (ids.Count == 0) return found;
        using var connection = Database.Open();
        foreach (var chunk in ids.Distinct().Chunk(500))
            foreach (var (id, organisation) in connection.Query<(string, string?)>(Database.SqlOfLists($"SELECT id, organisation_id FROM {Table(kind)} WHERE id IN @chunk"), new { chunk = Database.List(chunk) }))
                found[id] = organisation;
        return found;
    }

    private List<TRow> ByIds<TRow>(string table, string columns, IReadOnlyCollection<string> ids)
    {
        var rows = new List<TRow>(ids.Count);
        if (ids.Count == 0) return rows;
        using var connection = Database.Open();
        foreach (var chunk in ids.Distinct().Chunk(500))
            rows.AddRange(connection.Query<TRow>(Database.SqlOfLists($"SELECT {columns} FROM {table} WHERE id IN @chunk"), new { chunk = Database.List(chunk) }));
        return rows;
    }

    private Page<TRecord> List<TRow, TRecord>(string table, string columns, ListQuery q, Func<TRow, TRecord> map)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        var args = new DynamicParameters();
        if (q.Status != "all") { where.Append(" AND status = @status"); args.Add("status", q.Status); }
        if (table != "organisations" && table != "experts")
        {
            AddElement(where, args, "industries", "industry", q.Industry);
            AddElement(where, args, "cooperation", "cooperation", q.Cooperation);
            if (q.Maturity is not null) { where.Append(" AND maturity = @maturity"); args.Add("maturity", Vocabulary.NormaliseMaturity(q.Maturity) ?? q.Maturity); }
        }
        if (q.Region is not null)
        {
            where.Append(table == "organisations"
                ? " AND region = @region"
                : " AND organisation_id IN (SELECT id FROM organisations WHERE region = @region)");
            args.Add("region", q.Region);
        }
        if (q.Organisation is not null && table != "organisations") { where.Append(" AND organisation_id = @organisation"); args.Add("organisation", q.Organisation); }
        if (q.Kind is not null && table == "organisations") { where.Append(" AND kind = @kind"); args.Add("kind", q.Kind); }
        if (!string.IsNullOrWhiteSpace(q.NameContains) && table == "organisations")
        {
            where.Append(" AND (LOWER(name) LIKE @name ESCAPE '\\' OR LOWER(aliases) LIKE @name ESCAPE '\\' OR LOWER(id) LIKE @name ESCAPE '\\')");
            args.Add("name", "%" + q.NameContains.Trim().ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
        }
        if (q.Viewer is { IsStaff: false } viewer)
        {
            // The same rule as Viewer.View: their own organisation's records, else active ones that are not organisers-only.
            var own = table == "organisations" ? "id" : "organisation_id";
            var open = table switch
            {
                "results" or "needs" => "status = 'active' AND visibility <> 'organisers'",
                "experts" => "status = 'active' AND public_profile = 1",
                _ => "status = 'active'",
            };
            where.Append(viewer.OrganisationId is null ? $" AND {open}" : $" AND ({own} = @viewerOrganisation OR ({open}))");
            if (viewer.OrganisationId is not null) args.Add("viewerOrganisation", viewer.OrganisationId);
        }

        var descending = q.Sort.StartsWith('-');
        var key = q.Sort.TrimStart('-', '+');
        if (!ListQuery.SortColumns.TryGetValue(key, out var column))
            throw new ArgumentException($"cannot sort by '{key}'; use one of {string.Join(", ", ListQuery.SortColumns.Keys)} (prefix '-' for descending)");
        if (column == "title" && table is "organisations" or "experts") column = "name";
        if (column == "name" && table is "results" or "needs") column = "title";
        var pageSize = Math.Clamp(q.PageSize, 1, ListQuery.MaxPageSize);
        var page = Math.Max(1, q.Page);
        args.Add("limit", pageSize);
        args.Add("offset", (long)(page - 1) * pageSize);

        using var connection = Database.Open();
        var total = connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table} {where}", args);
        var rows = connection.Query<TRow>(
            $"SELECT {columns} FROM {table} {where} ORDER BY {column} {(descending ? "DESC" : "ASC")}, id LIMIT @limit OFFSET @offset", args);
        return new Page<TRecord>(rows.Select(map).ToList(), page, pageSize, total);
    }

    private static void AddElement(StringBuilder where, DynamicParameters args, string column, string name, string? value)
    {
        if (value is null) return;
        if (name == "cooperation") value = Vocabulary.NormaliseCooperation(value) ?? value;
        where.Append($" AND {column} LIKE @{name} ESCAPE '\\'");
        args.Add(name, JsonList.ElementPattern(value));
    }
}

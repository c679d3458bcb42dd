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
                ["Matching__DataDirectory"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Matching.Tests.Shared.Ports.Free()}", ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            }, Path.Combine(AppContext.BaseDirectory, "Matching.Web.dll"), []);
            jobs.Start();
            var port = Matching.Tests.Shared.Ports.Free();
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
            var keys = new Matching.Engine.Accounts.ApiKeys(database);
            http.DefaultRequestHeaders.Add(Matching.Web.Accounts.ApiKeyAuthentication.Header, keys.Issue("scale-out test", Matching.Engine.Accounts.Roles.Admin, null, "tests").Secret);

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
            Assert.True(await Poll.Until(() => Task.FromResult(store.Get(ShippedModel.Version, "n-webcopy-01") is { } l && l.Results.Any(m => m.CandidateId == "r-webcopy-01")), TimeSpan.FromSeconds(240)),
                "the job server did not store the new need's lists");
            using var matches = JsonDocument.Parse(await http.GetStringAsync("/api/v1/needs/n-webcopy-01/matches?k=5"));
            var first = matches.RootElement.GetProperty("results")[0];
            Assert.Equal("r-webcopy-01", first.GetProperty("id").GetString());
            Assert.Equal(ShippedModel.Version, first.GetProperty("model").GetString());

            // A change another process makes to a key or a user reaches this node within seconds, though it reads
            // neither from the database per request: a revoked key stops, a deleted user's session ends.
            var (doomedKey, doomedSecret) = keys.Issue("revoked elsewhere", Matching.Engine.Accounts.Roles.Organiser, null, "tests");
            using var program = new HttpClient { BaseAddress = http.BaseAddress };
            program.DefaultRequestHeaders.Add(Matching.Web.Accounts.ApiKeyAuthentication.Header, doomedSecret);
            Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/v1/events")).StatusCode);
            var accounts = new Matching.Engine.Accounts.AccountStore(database);
            var user = new Matching.Engine.Accounts.Account
            {
                Id = Guid.NewGuid().ToString("N"), UserName = "scale-out-organiser", NormalizedUserName = "SCALE-OUT-ORGANISER", Role = Matching.Engine.Accounts.Roles.Organiser,
                SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true,
            };
            var password = "岷江夜雨-节点同步-x9" + Guid.NewGuid().ToString("N")[..6];
            user.PasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<Matching.Engine.Accounts.Account>().HashPassword(user, password);
            Assert.True(accounts.Create(user));
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = http.BaseAddress };
            var token = await MatchingWebFactory.FormToken(browser, "/account/login");
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["UserName"] = user.UserName, ["Password"] = password, ["__RequestVerificationToken"] = token,
            }))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/events")).StatusCode);

            Assert.True(keys.Revoke(doomedKey.Id));
            Assert.True(accounts.Delete(user.Id));
            Assert.True(await Poll.Until(async () => (await program.GetAsync("/api/v1/events")).StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(30)),
                "a key revoked by another process still worked on this node after 30 s");
            Assert.True(await Poll.Until(async () => (await browser.GetAsync("/events")).StatusCode == HttpStatusCode.Redirect, TimeSpan.FromSeconds(30)),
                "a user deleted by another process kept their session on this node after 30 s");

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
}

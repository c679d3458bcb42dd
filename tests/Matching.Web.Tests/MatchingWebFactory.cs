using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matching.Web.Tests;

/// <summary>
/// The whole app — engine, in-process Hangfire server on SQLite, index, demo data — on a fresh data directory.
/// One per test run: Hangfire keeps its storage in a static, so parallel app instances would share it. It runs on
/// real Kestrel on a free loopback port, so request limits are Kestrel's and a browser can reach it.
/// </summary>
public sealed class MatchingWebFactory : WebApplicationFactory<Program>
{
    public MatchingWebFactory()
    {
        UseKestrel(0);
        StartServer();
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => CreateClient().BaseAddress!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "matching-web-" + Guid.NewGuid().ToString("N")[..10]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Matching:DataDirectory", DataDirectory);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<MatchingWebFactory>
{
    public const string Name = "web";
}

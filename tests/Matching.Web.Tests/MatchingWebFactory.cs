using System.Net;
using System.Text.RegularExpressions;
using Matching.Engine.Accounts;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;

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

    /// <summary>The first administrator's password for this run (configured, so no one-time password is made).</summary>
    public string AdminPassword { get; } = FirstAdmin.OneTimePassword();

    /// <summary>
    /// A local SMTP server on a free loopback port that keeps every message it receives; the app e-mails notifications
    /// through it. Started before the app (field initialisers run before the constructor starts the server).
    /// </summary>
    public SimpleSmtpServer Mail { get; } = netDumbster.smtp.Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();

    /// <summary>The site address e-mailed links start with.</summary>
    public const string SiteBaseUrl = "http://matching.test";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Matching:DataDirectory", DataDirectory);
        builder.UseSetting("Accounts:AdminPassword", AdminPassword);
        builder.UseSetting("Mail:Host", IPAddress.Loopback.ToString());
        builder.UseSetting("Mail:Port", Mail.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Mail:From", "校企双进匹配平台 <noreply@matching.test>");
        builder.UseSetting("Mail:UseStartTls", "false");
        builder.UseSetting("Site:BaseUrl", SiteBaseUrl);
        // The test clients stand in for a proxy on loopback, so a test can name a client's address (X-Forwarded-For).
        builder.UseSetting("Web:KnownProxies:0", "127.0.0.1");
        builder.UseSetting("Web:KnownProxies:1", "::1");
        // The whole suite signs in from one address; the per-address sign-in limit is not what it tests.
        builder.UseSetting("Web:RateLimit:SignInBurst", "10000");
    }

    /// <summary>The messages the SMTP server has received for <paramref name="address"/>, decoded.</summary>
    public IReadOnlyList<MimeKit.MimeMessage> MailTo(string address) =>
        Mail.ReceivedEmail.Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)))
            .Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data)))).ToList();

    /// <summary>A client with a new API key of its own (so its own rate-limit allowance) for the role and organisation.</summary>
    public HttpClient ClientWithKey(string role, string? organisation = null)
    {
        var (_, secret) = Services.GetRequiredService<ApiKeys>().Issue($"test {role} {organisation}", role, organisation, "tests");
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, secret);
        return client;
    }

    public HttpClient AdminClient() => ClientWithKey(Roles.Admin);

    /// <summary>Makes a user (a fresh name) and returns the name and password.</summary>
    public async Task<(string UserName, string Password)> CreateUser(string role, string? organisation = null, string? email = null)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var name = $"{role}-{Guid.NewGuid().ToString("N")[..8]}";
        var password = FirstAdmin.OneTimePassword();
        var created = await users.CreateAsync(new Account { UserName = name, Role = role, OrganisationId = organisation, Email = email }, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return (name, password);
    }

    /// <summary>A cookie client signed in through the sign-in form, as a browser would be (its cookies in <paramref name="cookies"/> when given).</summary>
    public async Task<HttpClient> SignedInClient(string userName, string password, CookieContainer? cookies = null)
    {
        var client = CookieClient(cookies);
        var token = await FormToken(client, "/account/login");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        // The form shows its error in an alert when the sign-in fails.
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"sign-in answered {(int)response.StatusCode}: {string.Join(" ", Regex.Matches(await response.Content.ReadAsStringAsync(), "(?:role=\"alert\"|field-error[^>]*)>([^<]+)").Select(m => m.Groups[1].Value))}");
        return client;
    }

    /// <summary>
    /// A client that keeps cookies and does not follow redirects, as a test sees them. (On Kestrel the factory's own
    /// clients follow redirects whatever their options say.)
    /// </summary>
    public HttpClient CookieClient(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = BaseAddress };

    /// <summary>The antiforgery token of the form on <paramref name="path"/>.</summary>
    public static async Task<string> FormToken(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token
            ? token : throw new InvalidOperationException($"no antiforgery token on {path}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Mail.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<MatchingWebFactory>
{
    public const string Name = "web";
}

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Matching.Jobs.Bench;

namespace Matching.Web.Tests.Security;

/// <summary>
/// A real first start of Matching.Web on an empty data directory (a child process, as `dotnet run` would be): the
/// first administrator gets a one-time password in the log, never a fixed default, and must choose a new one.
/// </summary>
public sealed partial class FirstStartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("matching-first-start-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task TheFirstStart_PrintsAOneTimePassword_ThatMustBeChanged_AndNoDefaultWorks()
    {
        var data = Path.Combine(_root, "data");
        var port = Matching.Tests.Shared.Ports.Free();
        using var web = new ServeProcess(data, _root, new Dictionary<string, string>
        {
            ["Matching__DataDirectory"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            ["Matching__SeedDemoData"] = "false",
        }, Path.Combine(AppContext.BaseDirectory, "Matching.Web.dll"), []);
        web.Start();
        var log = await File.ReadAllTextAsync(web.LogFile!);
        var password = OneTimePassword().Match(log).Groups[1].Value;
        Assert.True(password.Length >= 12, "a one-time password in the log:\n" + log);

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        foreach (var guess in new[] { "admin", "password", "admin123456", "Admin@123" })
            Assert.Equal(HttpStatusCode.OK, (await SignIn(client, "admin", guess)).StatusCode);
        // Four wrong guesses from this address slow it down for a few seconds; nothing locks the account.
        HttpResponseMessage signedIn = null!;
        Assert.True(await Matching.Tests.Shared.Poll.Until(async () => (signedIn = await SignIn(client, "admin", password)).StatusCode == HttpStatusCode.Redirect,
            TimeSpan.FromSeconds(30)), "the one-time password did not sign in within 30 s of four wrong guesses");
        Assert.Equal("/account/password", signedIn.Headers.Location!.ToString());
        // Until the password is changed, everything else sends them back to change it.
        var elsewhere = await client.GetAsync("/events");
        Assert.Equal("/account/password", elsewhere.Headers.Location!.ToString());

        var token = await Token(client, "/account/password");
        var changed = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Current"] = password, ["New"] = "rail-and-display-2026", ["Repeat"] = "rail-and-display-2026", ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("密码已修改", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);

        // A second start makes no new administrator and prints no password.
        web.Stop();
        web.Start();
        Assert.DoesNotMatch(OneTimePassword(), await File.ReadAllTextAsync(web.LogFile!));
        using var again = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        Assert.Equal(HttpStatusCode.OK, (await SignIn(again, "admin", password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn(again, "admin", "rail-and-display-2026")).StatusCode);
    }

    private static async Task<HttpResponseMessage> SignIn(HttpClient client, string name, string password) =>
        await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = name, ["Password"] = password, ["__RequestVerificationToken"] = await Token(client, "/account/login"),
        }));

    private static async Task<string> Token(HttpClient client, string path) =>
        TokenField().Match(await client.GetStringAsync(path)).Groups[1].Value;

    [GeneratedRegex("One-time password: ([A-Za-z0-9]+)")]
    private static partial Regex OneTimePassword();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

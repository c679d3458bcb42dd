using System.Net;
using System.Text;
using Matching.Engine.Accounts;

namespace Matching.Web.Tests.Security;

/// <summary>Forgery, floods and oversized bodies: 400, 429 and 413, and the headers every page carries.</summary>
[Collection(WebCollection.Name)]
public class RequestLimitsTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task APostWithoutItsAntiforgeryToken_Gets400_OnFormsAndOnCookieApiCalls()
    {
        using var anonymous = factory.CookieClient();
        var login = await anonymous.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = factory.AdminPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);

        var (name, password) = await factory.CreateUser(Roles.Organiser);
        using var signedIn = await factory.SignedInClient(name, password);
        var form = await signedIn.PostAsync("/events/demo-display-2026", new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "publish" }));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        // The sign-in cookie alone does not make an API call: another site's page could send it.
        var api = await signedIn.PostAsync("/api/v1/events", new StringContent("""{"id":"forged","name":"x","startsAt":"2026-12-20T09:00:00"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("antiforgery", await api.Content.ReadAsStringAsync());
        // With the page's token in the header it goes through.
        var token = await MatchingWebFactory.FormToken(signedIn, "/account/password");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent("""{"id":"with-token","name":"带令牌的活动","startsAt":"2026-12-20T09:00:00"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-CSRF-Token", token);
        var allowed = await signedIn.SendAsync(request);
        Assert.True(allowed.IsSuccessStatusCode, await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OneClientBeyondItsAllowance_Gets429_AndOthersAreServed()
    {
        using var greedy = factory.ClientWithKey(Roles.Enterprise, "org-greedy");
        // Twice the default burst at once: the bucket empties and the rest are refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => greedy.GetAsync("/api/v1/organisations?pageSize=1")));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal("1", refused[0].Headers.RetryAfter?.ToString());
        using var other = factory.ClientWithKey(Roles.Enterprise, "org-modest");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/organisations?pageSize=1")).StatusCode);
    }

    [Fact]
    public async Task A31MegabyteBody_Gets413()
    {
        var body = new string('a', 31 * 1024 * 1024);
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(admin, "/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(admin, "/api/v1/needs", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        using var anonymous = factory.CookieClient();
        var page = await Post(anonymous, "/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = body }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, page.StatusCode);

        // The server refuses on the declared length; asking first (Expect: 100-continue) lets the client read that
        // answer instead of writing into a connection the server has closed.
        static Task<HttpResponseMessage> Post(HttpClient client, string path, HttpContent content)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.ExpectContinue = true;
            return client.SendAsync(request);
        }
    }

    [Fact]
    public async Task Pages_CarryTheSecurityHeaders_AndTheCookiesAreHttpOnly()
    {
        var (name, password) = await factory.CreateUser(Roles.University);
        using var client = factory.CookieClient();
        var login = await client.GetAsync("/account/login");
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", login.Headers.GetValues("Content-Security-Policy").Single());
        var token = await MatchingWebFactory.FormToken(client, "/account/login");
        var signedIn = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = name, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matching.auth="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheJobDashboard_IsForAdministratorsOnly()
    {
        using var organiser = factory.ClientWithKey(Roles.Organiser);
        Assert.Equal(HttpStatusCode.Forbidden, (await organiser.GetAsync("/jobs")).StatusCode);
        using var admin = factory.AdminClient();
        var dashboard = await admin.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Matching jobs", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongPasswords_SlowTheGuessersAddress_WithoutLockingTheOwnerOut_AndUnknownNamesReadTheSame()
    {
        var (name, password) = await factory.CreateUser(Roles.Enterprise);
        // The test server trusts loopback as a proxy (Web:KnownProxies), so each client names its address.
        using var guesser = factory.CookieClient();
        guesser.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var answers = new List<string>();
        for (var i = 0; i < Matching.Web.Accounts.SignInThrottle.FreeTries; i++) answers.Add(Errors(await (await SignIn(guesser, name, "wrong-password-" + i)).Content.ReadAsStringAsync()));
        // A name nobody has gets the same answer as a wrong password.
        using var stranger = factory.CookieClient();
        stranger.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        answers.Add(Errors(await (await SignIn(stranger, "no-such-user-" + Guid.NewGuid().ToString("N")[..6], "wrong-password")).Content.ReadAsStringAsync()));
        Assert.All(answers, a => Assert.Equal("用户名或密码不正确。", a));

        // The guesser's address now waits, even with the right password; it is not told the account exists or is locked.
        var slowed = Errors(await (await SignIn(guesser, name, password)).Content.ReadAsStringAsync());
        Assert.Contains("尝试次数过多", slowed);
        Assert.DoesNotContain("锁定", slowed);
        // The owner, from their own address, signs in at once.
        using var owner = factory.CookieClient();
        owner.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.2");
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn(owner, name, password)).StatusCode);
    }

    [Theory]
    [InlineData("password123")]
    [InlineData("qwertyuiop1")]
    [InlineData("matching2026")]
    public async Task ACommonPassword_IsRefused_AndAStrongOneAccepted(string weak)
    {
        var (name, password) = await factory.CreateUser(Roles.Enterprise);
        using var client = await factory.SignedInClient(name, password);
        var refused = await ChangePassword(client, password, weak);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("太容易被猜到", await refused.Content.ReadAsStringAsync());
        var strong = "湖畔青瓷-折叠盖板-x9" + Guid.NewGuid().ToString("N")[..6];
        var accepted = await (await ChangePassword(client, password, strong)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("太容易被猜到", accepted);
        using var again = await factory.SignedInClient(name, strong);
    }

    private static async Task<HttpResponseMessage> ChangePassword(HttpClient client, string current, string next)
    {
        var token = await MatchingWebFactory.FormToken(client, "/account/password");
        return await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Current"] = current, ["New"] = next, ["Repeat"] = next, ["__RequestVerificationToken"] = token,
        }));
    }

    private static string Errors(string html) =>
        string.Join(" ", System.Text.RegularExpressions.Regex.Matches(html, "role=\"alert\"[^>]*>([^<]+)").Select(m => m.Groups[1].Value.Trim()));

    private static async Task<HttpResponseMessage> SignIn(HttpClient client, string name, string password)
    {
        var token = await MatchingWebFactory.FormToken(client, "/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = name, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }
}

using System.Net;
using Matching.Engine.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;

namespace Matching.Web.Tests.Security;

/// <summary>
/// A session ends the moment its user is deleted, changes role or password, or signs out — every copy of its cookie —
/// and a deleted user's API keys stop with them. (That other web nodes follow within seconds is in ScaleOutWebTests.)
/// </summary>
[Collection(WebCollection.Name)]
public class SessionTests(MatchingWebFactory factory)
{
    /// <summary>Whether the client is still signed in: a staff page answers it, or sends it to the sign-in page.</summary>
    private static async Task<bool> SignedIn(HttpClient client, string path = "/notifications")
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>A second client carrying a copy of <paramref name="client"/>'s cookies, as a saved cookie would be.</summary>
    private HttpClient CopyOf(HttpClient client, System.Net.CookieContainer cookies)
    {
        var copy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = factory.BaseAddress };
        copy.DefaultRequestHeaders.Add("Cookie", cookies.GetCookieHeader(factory.BaseAddress));
        return copy;
    }

    private async Task<(HttpClient Client, System.Net.CookieContainer Cookies)> SignIn(string name, string password)
    {
        var cookies = new System.Net.CookieContainer();
        return (await factory.SignedInClient(name, password, cookies), cookies);
    }

    private string IdOf(string userName) => factory.Services.GetRequiredService<AccountStore>().FindByNormalizedUserName(userName.ToUpperInvariant())!.Id;

    [Fact]
    public async Task SigningOut_EndsEveryCopyOfTheSession()
    {
        var (name, password) = await factory.CreateUser(Roles.Organiser);
        var (client, cookies) = await SignIn(name, password);
        using var saved = CopyOf(client, cookies);
        Assert.True(await SignedIn(saved, "/events"));
        Assert.Equal(HttpStatusCode.Redirect, (await Post(client, "/notifications", "/account/logout", new())).StatusCode);
        Assert.False(await SignedIn(saved, "/events"), "a cookie saved before signing out still opened /events");
        client.Dispose();
    }

    [Fact]
    public async Task APasswordChange_EndsTheUsersOtherSessions_AndKeepsThisOne()
    {
        var (name, password) = await factory.CreateUser(Roles.Enterprise, "ent-display-01");
        var (here, _) = await SignIn(name, password);
        var (elsewhere, _) = await SignIn(name, password);
        var next = "锦江夜航-柔性盖板-x9" + Guid.NewGuid().ToString("N")[..6];
        var changed = await Post(here, "/account/password", "/account/password", new() { ["Current"] = password, ["New"] = next, ["Repeat"] = next });
        Assert.Contains("密码已修改", await changed.Content.ReadAsStringAsync());
        Assert.False(await SignedIn(elsewhere), "another session survived the password change");
        Assert.True(await SignedIn(here));
        here.Dispose();
        elsewhere.Dispose();
    }

    [Fact]
    public async Task ARoleChange_EndsTheSession()
    {
        var (name, password) = await factory.CreateUser(Roles.Organiser);
        var (client, _) = await SignIn(name, password);
        Assert.True(await SignedIn(client, "/events"));
        using var admin = await AdminBrowser(factory);
        var page = $"/admin/users/{IdOf(name)}";
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, page, page + "?handler=Save",
            new() { ["Input.Role"] = Roles.Enterprise, ["Input.OrganisationId"] = "ent-display-01", ["Input.DisplayName"] = "改为企业" })).StatusCode);
        Assert.False(await SignedIn(client), "the session kept its organiser role after the change");
        client.Dispose();
    }

    [Fact]
    public async Task ADeletedUser_LosesTheirSessionAtOnce_AndTheKeysTheyIssued()
    {
        var (name, password) = await factory.CreateUser(Roles.University, "org-scu");
        var (client, _) = await SignIn(name, password);
        var id = IdOf(name);
        var keys = factory.Services.GetRequiredService<ApiKeys>();
        var (_, secret) = keys.Issue("他们的程序", Roles.University, "org-scu", "user:" + id);
        using var program = factory.CreateClient();
        program.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/v1/results?pageSize=1")).StatusCode);
        Assert.True(await SignedIn(client));

        // The form to publish a result, opened before the deletion.
        var token = await MatchingWebFactory.FormToken(client, "/mine/results/edit");
        using var admin = await AdminBrowser(factory);
        var page = $"/admin/users/{id}";
        Assert.Contains("一并吊销", await admin.GetStringAsync(page));
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, page, page + "?handler=Delete", new() { ["confirm"] = "yes" })).StatusCode);

        Assert.False(await SignedIn(client), "a deleted user's session still worked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await program.GetAsync("/api/v1/results?pageSize=1")).StatusCode);
        // Publishing after the deletion is refused too: the request is sent to the sign-in page.
        var published = await client.PostAsync("/mine/results/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Title"] = "删除后发布的成果", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Contains("/account/login", published.Headers.Location!.ToString());
        client.Dispose();
    }
}

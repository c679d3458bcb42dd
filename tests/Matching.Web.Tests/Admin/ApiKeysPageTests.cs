using System.Net;
using Matching.Engine.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;

namespace Matching.Web.Tests.Admin;

[Collection(WebCollection.Name)]
public class ApiKeysPageTests(MatchingWebFactory factory)
{
    private const string Page = "/account/keys";

    [Fact]
    public async Task AnIssuedKey_IsShownOnce_WorksAgainstTheApi_AndStopsWhenRevoked()
    {
        var (name, password) = await factory.CreateUser(Roles.University, "org-scu");
        using var browser = await factory.SignedInClient(name, password);
        var issued = await Post(browser, Page, Page + "?handler=Issue", new() { ["Input.Name"] = "成果同步程序" });
        var html = await issued.Content.ReadAsStringAsync();
        var secret = Shown(html, "api-key-secret");
        Assert.True(secret is not null, Errors(html));
        Assert.StartsWith(ApiKeys.KeyPrefix, secret);
        Assert.True(issued.Headers.CacheControl?.NoStore);
        var listed = await browser.GetStringAsync(Page);
        Assert.Contains("成果同步程序", listed);
        Assert.DoesNotContain(secret, listed);
        var key = factory.Services.GetRequiredService<ApiKeys>().List("org-scu").Single(k => secret.StartsWith(k.Prefix, StringComparison.Ordinal) && k.Name == "成果同步程序");
        Assert.Equal(Roles.University, key.Role); // the role of the organisation's kind

        using var program = factory.CreateClient();
        program.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/v1/needs")).StatusCode);

        var revoked = await Post(browser, Page, $"{Page}?handler=Revoke&id={key.Id}", new());
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await program.GetAsync("/api/v1/needs")).StatusCode);
        Assert.Contains("已吊销", await browser.GetStringAsync(Page));
    }

    [Fact]
    public async Task AUser_CannotRevokeAnotherOrganisationsKey()
    {
        var keys = factory.Services.GetRequiredService<ApiKeys>();
        var (theirs, secret) = keys.Issue("另一所大学的程序", Roles.University, "org-uestc", "tests");
        var (name, password) = await factory.CreateUser(Roles.University, "org-scu");
        using var browser = await factory.SignedInClient(name, password);
        Assert.DoesNotContain("另一所大学的程序", await browser.GetStringAsync(Page));

        var refused = await Post(browser, Page, $"{Page}?handler=Revoke&id={theirs.Id}", new());

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("只能吊销本机构的密钥", Errors(await refused.Content.ReadAsStringAsync()));
        Assert.Null(keys.Get(theirs.Id)!.RevokedAt);
        using var program = factory.CreateClient();
        program.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/v1/needs")).StatusCode);
        // A key does not manage keys, and a user with no organisation has none to manage.
        using var keyClient = factory.ClientWithKey(Roles.University, "org-scu");
        Assert.Equal(HttpStatusCode.Forbidden, (await keyClient.GetAsync(Page)).StatusCode);
    }
}

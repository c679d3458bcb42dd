using System.Net;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;

namespace Matching.Web.Tests.Admin;

[Collection(WebCollection.Name)]
public class UsersPageTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task AnAdminCreatesAUniversityUser_WhoseOneTimePasswordSignsInAndAsksForANewOne()
    {
        using var admin = await AdminBrowser(factory);
        var userName = "teacher-" + Guid.NewGuid().ToString("N")[..8];
        var created = await Post(admin, "/admin/users", "/admin/users", new()
        {
            ["Input.UserName"] = userName, ["Input.DisplayName"] = "王老师", ["Input.Email"] = userName + "@scu.example.cn",
            ["Input.Role"] = Roles.University, ["Input.OrganisationId"] = "org-scu",
        });
        var page = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var password = Shown(page, "one-time-password");
        Assert.True(password is not null, Errors(page));
        Assert.True(created.Headers.CacheControl?.NoStore);
        // Shown once: the list does not show it again.
        var list = await admin.GetStringAsync("/admin/users");
        Assert.Contains(userName, list);
        Assert.DoesNotContain(password, list);
        var account = factory.Services.GetRequiredService<AccountStore>().FindByNormalizedUserName(userName.ToUpperInvariant())!;
        Assert.Equal(("org-scu", Roles.University, true), (account.OrganisationId, account.Role, account.MustChangePassword));

        using var browser = factory.CookieClient();
        var signIn = await Post(browser, "/account/login", "/account/login", new() { ["UserName"] = userName, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/account/password", signIn.Headers.Location!.ToString());
        // Until it is changed, other pages lead there too.
        var elsewhere = await browser.GetAsync("/account/keys");
        Assert.Equal("/account/password", elsewhere.Headers.Location!.ToString());
    }

    [Fact]
    public async Task ARoleThatDoesNotFitTheOrganisation_IsRefusedWithAMessage_AndNoUserIsMade()
    {
        using var admin = await AdminBrowser(factory);
        var userName = "misfit-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Post(admin, "/admin/users", "/admin/users", new()
        {
            ["Input.UserName"] = userName, ["Input.Role"] = Roles.Enterprise, ["Input.OrganisationId"] = "org-scu",
        });
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("企业用户须属于企业", Errors(page));
        Assert.Null(Shown(page, "one-time-password"));
        Assert.Null(factory.Services.GetRequiredService<AccountStore>().FindByNormalizedUserName(userName.ToUpperInvariant()));
    }

    [Fact]
    public async Task ChangingRoleLockingResettingAndDeleting_TakeEffect()
    {
        var accounts = factory.Services.GetRequiredService<AccountStore>();
        var (name, password) = await factory.CreateUser(Roles.University, "org-scu");
        var id = accounts.FindByNormalizedUserName(name.ToUpperInvariant())!.Id;
        var page = $"/admin/users/{id}";
        using var admin = await AdminBrowser(factory);

        var moved = await Post(admin, page, page + "?handler=Save", new() { ["Input.Role"] = Roles.Enterprise, ["Input.OrganisationId"] = "ent-display-01", ["Input.DisplayName"] = "换了单位" });
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal((Roles.Enterprise, "ent-display-01", "换了单位"), (accounts.FindById(id)!.Role, accounts.FindById(id)!.OrganisationId, accounts.FindById(id)!.DisplayName));

        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, page, page + "?handler=Lock", new())).StatusCode);
        using (var locked = factory.CookieClient())
        {
            var refused = await Post(locked, "/account/login", "/account/login", new() { ["UserName"] = name, ["Password"] = password });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("锁定", Errors(await refused.Content.ReadAsStringAsync()));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, page, page + "?handler=Unlock", new())).StatusCode);

        var reset = await Post(admin, page, page + "?handler=Reset", new());
        var newPassword = Shown(await reset.Content.ReadAsStringAsync(), "one-time-password");
        Assert.NotNull(newPassword);
        using (var browser = factory.CookieClient())
        {
            var old = await Post(browser, "/account/login", "/account/login", new() { ["UserName"] = name, ["Password"] = password });
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            var signIn = await Post(browser, "/account/login", "/account/login", new() { ["UserName"] = name, ["Password"] = newPassword });
            Assert.Equal("/account/password", signIn.Headers.Location!.ToString());
        }

        var unconfirmed = await Post(admin, page, page + "?handler=Delete", new());
        Assert.Contains("请勾选确认", Errors(await unconfirmed.Content.ReadAsStringAsync()));
        Assert.NotNull(accounts.FindById(id));
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, page, page + "?handler=Delete", new() { ["confirm"] = "yes" })).StatusCode);
        Assert.Null(accounts.FindById(id));
    }

    [Fact]
    public async Task AnAdministrator_CannotDeleteOrLockThemselves()
    {
        var (name, password) = await factory.CreateUser(Roles.Admin);
        using var admin = await factory.SignedInClient(name, password);
        var self = factory.Services.GetRequiredService<AccountStore>().FindByNormalizedUserName(name.ToUpperInvariant())!;
        var page = $"/admin/users/{self.Id}";
        var delete = await Post(admin, page, page + "?handler=Delete", new() { ["confirm"] = "yes" });
        Assert.Contains("不能删除自己的账号", Errors(await delete.Content.ReadAsStringAsync()));
        var locked = await Post(admin, page, page + "?handler=Lock", new());
        Assert.Contains("不能锁定自己的账号", Errors(await locked.Content.ReadAsStringAsync()));
        var after = factory.Services.GetRequiredService<AccountStore>().FindById(self.Id);
        Assert.NotNull(after);
        Assert.Null(after.LockoutEnd);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task EveryAdminPage_RefusesAnOrganiser_ByKeyAndBySignIn()
    {
        var pages = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!.TrimStart('/')).Where(p => p.StartsWith("admin/", StringComparison.Ordinal))
            .Distinct().Select(p => "/" + p.Replace("{id}", "x")).ToList();
        Assert.Equal(["/admin/audit", "/admin/models", "/admin/organisations", "/admin/organisations/merge", "/admin/organisations/x", "/admin/taxonomy", "/admin/users", "/admin/users/x"], pages.Order());

        using var key = factory.ClientWithKey(Roles.Organiser);
        var (name, password) = await factory.CreateUser(Roles.Organiser);
        using var browser = await factory.SignedInClient(name, password);
        foreach (var page in pages)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync(page)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await key.PostAsync(page, new FormUrlEncodedContent([]))).StatusCode);
            var refused = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            var denied = new Uri(factory.BaseAddress, refused.Headers.Location!);
            Assert.Equal("/account/denied", denied.AbsolutePath);
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(denied)).StatusCode);
        }
    }
}

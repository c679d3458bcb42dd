using System.Net;
using System.Text.Json.Nodes;
using Matching.Engine.Scoring;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Admin;

[Collection(WebCollection.Name)]
public class ModelsPageTests(MatchingWebFactory factory)
{
    private const string Page = "/admin/models";

    [Fact]
    public async Task PromoteAndRollback_ChangeTheActiveVersion_AndTheServedModel()
    {
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        var host = factory.Services.GetRequiredService<ModelHost>();
        var first = registry.ActiveVersion()!.Version;
        var second = registry.Register(CopyOfShipped("web-" + Guid.NewGuid().ToString("N")[..6]), "a copy for the page test").Version;
        using var admin = await AdminBrowser(factory);
        var page = await admin.GetStringAsync(Page);
        Assert.Contains(second, page);
        Assert.Contains("<polyline", page);

        var promoted = await Post(admin, Page, Page + "?handler=Promote", new() { ["version"] = second });
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(second, registry.ActiveVersion()!.Version);
        Assert.Equal(second, host.Current!.Version); // served at once, not at the next poll
        Assert.Contains(second, await admin.GetStringAsync(Page));

        var rolledBack = await Post(admin, Page, Page + "?handler=Rollback", new());
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        Assert.Equal(first, registry.ActiveVersion()!.Version);
        Assert.Equal(first, host.Current!.Version);
        Assert.Equal(["promoted", "rolled back"], registry.History().TakeLast(2).Select(h => h.Action));

        var unknown = await Post(admin, Page, Page + "?handler=Promote", new() { ["version"] = "no-such-version" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(first, registry.ActiveVersion()!.Version);
    }

    /// <summary>The shipped model under another version name, as a retrain would write it.</summary>
    private string CopyOfShipped(string version)
    {
        var folder = Path.Combine(factory.DataDirectory, "trained-" + version);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(ShippedModel.Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        var manifest = Path.Combine(folder, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["version"] = version;
        File.WriteAllText(manifest, json.ToJsonString());
        return folder;
    }
}

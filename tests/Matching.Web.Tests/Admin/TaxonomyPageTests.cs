using System.Net;
using Matching.Engine.Taxonomy;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;

namespace Matching.Web.Tests.Admin;

[Collection(WebCollection.Name)]
public class TaxonomyPageTests(MatchingWebFactory factory)
{
    private const string Page = "/admin/taxonomy";

    [Fact]
    public async Task BrokenJson_IsRefusedWithItsLine_AndTheOldTaxonomyStays()
    {
        var editor = factory.Services.GetRequiredService<TaxonomyEditor>();
        var before = editor.IndustriesText();
        using var admin = await AdminBrowser(factory);

        var response = await Post(admin, Page, Page + "?handler=Industries", new() { ["Industries"] = before.Replace("\"新型显示\",", "\"新型显示\"") });

        var errors = Errors(await response.Content.ReadAsStringAsync());
        Assert.Contains("第 4 行：JSON 格式错误", errors);
        Assert.Equal(before, editor.IndustriesText());
        Assert.True(factory.Services.GetRequiredService<IndustryTaxonomy>().IsKnown("新型显示"));
        Assert.Contains("新型显示", await admin.GetStringAsync(Page));
    }

    [Fact]
    public async Task ASynonymSaved_TakesEffectInSearch()
    {
        using var api = factory.AdminClient();
        const string made = "zqxwvlno";
        Assert.DoesNotContain("r-display-06", await api.GetStringAsync("/api/v1/results?q=" + made));
        var editor = factory.Services.GetRequiredService<TaxonomyEditor>();
        using var admin = await AdminBrowser(factory);

        var response = await Post(admin, Page, Page + "?handler=Synonyms", new() { ["Synonyms"] = editor.SynonymsText() + $"\n{made}, 铌酸锂\n" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("r-display-06", await api.GetStringAsync("/api/v1/results?q=" + made));
        Assert.Contains($"{made}, 铌酸锂", editor.SynonymsText());
        // A line of one word is refused, and the dictionary stays as saved.
        var refused = await Post(admin, Page, Page + "?handler=Synonyms", new() { ["Synonyms"] = "单独一个词\n" });
        Assert.Contains("第 1 行", Errors(await refused.Content.ReadAsStringAsync()));
        Assert.Contains("r-display-06", await api.GetStringAsync("/api/v1/results?q=" + made));
    }
}

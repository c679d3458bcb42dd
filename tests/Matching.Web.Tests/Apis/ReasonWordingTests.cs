using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matching.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Apis;

/// <summary>
/// What a user reads beside a match must not contradict itself: over every demo need's lists, a reason's words agree
/// with the bar's sign (an "in common" is never a minus) and with the value it quotes ("most" is at least half), and
/// text length or language is never given as a reason. The list a user sees first equals the one the match job stores.
/// </summary>
[Collection(WebCollection.Name)]
public partial class ReasonWordingTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.AdminClient();

    /// <summary>Words that say the value favours the pair, and words that say it does not.</summary>
    private static readonly string[] Favourable = ["大部分", "直接命中", "高度重合", "部分重合", "同属", "符合需求", "高于需求的", "合作方式一致", "在预算之内", "同在", "同一地区", "评价较好", "较新", "语义相近", "很近", "主题相近", "字面重合较多"];
    private static readonly string[] Unfavourable = ["出现较少", "没有需求的术语", "不重合", "产业不同", "尚未达到", "不一致", "高于预算", "不在同一", "评价较差", "较旧", "相距较远", "没有哪句", "主题不同", "字面重合较少"];

    [Fact]
    public async Task OverTheDemosLists_NoReasonContradictsItsSignOrItsValue()
    {
        var needs = (await _client.GetFromJsonAsync<JsonElement>("/api/v1/needs?pageSize=100")).GetProperty("items").EnumerateArray()
            .Select(n => n.GetProperty("id").GetString()!).ToList();
        Assert.True(needs.Count >= 30, $"only {needs.Count} demo needs");
        var checkedReasons = 0;
        var problems = new List<string>();
        foreach (var need in needs)
        {
            var lists = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/needs/{need}/matches?k=20&minScore=0");
            foreach (var item in lists.GetProperty("results").EnumerateArray().Concat(lists.GetProperty("experts").EnumerateArray()))
                foreach (var reason in item.GetProperty("reasons").EnumerateArray())
                {
                    checkedReasons++;
                    var zh = reason.GetProperty("zh").GetString()!;
                    var en = reason.GetProperty("en").GetString()!;
                    var sign = Math.Sign(reason.GetProperty("contribution").GetDouble());
                    var where = $"{need} · {item.GetProperty("id").GetString()}: {zh} ({sign:+0;-0})";
                    if (reason.GetProperty("topic").GetString() == "shape" || zh.Contains("文本长度")) problems.Add("length or language as a reason: " + where);
                    // Unfavourable words first: "不在同一地区" holds the favourable "同一地区", "没有哪句话与需求语义相近" holds "语义相近".
                    var unfavourable = Unfavourable.Any(zh.Contains);
                    if (!unfavourable && Favourable.Any(zh.Contains) && sign < 0) problems.Add("favourable words with a minus: " + where);
                    if (unfavourable && sign > 0) problems.Add("unfavourable words with a plus: " + where);
                    if (Number(zh, @"覆盖(\d+)%") is { } covered && (zh.Contains("大部分") && covered < 50 || zh.Contains("较少") && covered >= 50))
                        problems.Add("coverage worded against its value: " + where);
                    if (en.StartsWith("Most of", StringComparison.Ordinal) && Number(en, @"\((\d+)% covered") < 50) problems.Add("'Most' under half: " + where);
                    if (Number(zh, @"主题余弦 ([\d.]+)") is { } topic && (zh.Contains("主题不同") && topic >= 0.5 || zh.Contains("主题相近") && topic < 0.5))
                        problems.Add("topic cosine worded against its value: " + where);
                    if (Number(zh, @"汉字二元组 ([\d.]+)") is { } dice && (zh.Contains("较多") && dice < 0.15 || zh.Contains("较少") && dice >= 0.15))
                        problems.Add("character overlap worded against its value: " + where);
                }
        }
        Assert.True(checkedReasons > 300, $"only {checkedReasons} reasons read");
        Assert.True(problems.Count == 0, $"{problems.Count} of {checkedReasons} reasons contradict themselves:\n" + string.Join("\n", problems.Take(40)));
    }

    [Fact]
    public async Task TheListShownAtOnce_EqualsTheListTheMatchJobStores()
    {
        var matches = new Matching.Engine.Matches.MatchStore(factory.Services.GetRequiredService<Matching.Engine.Storage.MatchingDatabase>());
        // The steady state: the demo's vectors are stored (at first start the vector job takes a while to encode them,
        // and a list computed meanwhile lacks the candidates' sentence features, as the match job's would not).
        var vectors = factory.Services.GetRequiredService<Matching.Engine.Vectors.VectorMaintainer>();
        Assert.True(await Poll.Until(() => Task.FromResult(!vectors.Behind()), TimeSpan.FromSeconds(180)), "the vector job never caught up");
        for (var attempt = 0; ; attempt++)
        {
            var id = $"n-consistent-{Guid.NewGuid():N}"[..24];
            Assert.True((await _client.PutAsJsonAsync($"/api/v1/needs/{id}", new
            {
                title = "折叠屏盖板用无色聚酰亚胺薄膜的耐黄变与耐弯折", organisation = "ent-display-01", industries = new[] { "新型显示" },
                description = "我司折叠屏手机盖板用久发黄、折痕明显，需要透光率高、耐弯折二十万次以上的无色聚酰亚胺薄膜及涂层方案。",
                keywords = new[] { "无色聚酰亚胺", "盖板", "耐弯折" },
            })).IsSuccessStatusCode);
            // The job quicker than the first request would make it read the stored list: then try with a new need.
            if (matches.Get(ShippedModel.Version, id) is not null)
            {
                Assert.True(attempt < 3, "the match job stored every new need's lists before the first request could compute them");
                continue;
            }
            var first = await Entries(id);
            Assert.True(await Poll.Until(() => Task.FromResult(matches.Get(ShippedModel.Version, id) is not null), TimeSpan.FromSeconds(120)), "the match job stored the need's lists");
            var stored = await Entries(id);
            Assert.Equal(first, stored);
            return;
        }
    }

    private async Task<List<(string Id, double Score)>> Entries(string need)
    {
        var lists = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/needs/{need}/matches?k=20&minScore=0");
        return lists.GetProperty("results").EnumerateArray().Concat(lists.GetProperty("experts").EnumerateArray())
            .Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("score").GetDouble())).ToList();
    }

    private static double? Number(string text, string pattern) =>
        Regex.Match(text, pattern) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
}

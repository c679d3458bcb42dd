using System.Net;

namespace Matching.Web.Tests.Pages;

[Collection(WebCollection.Name)]
public class EventPagesTests(MatchingWebFactory factory) : IAsyncLifetime
{
    private readonly HttpClient _api = factory.AdminClient();
    private HttpClient _client = null!;

    /// <summary>The pages as an organiser signed in through the form; the API with an administrator's key.</summary>
    public async Task InitializeAsync()
    {
        var (name, password) = await factory.CreateUser(Engine.Accounts.Roles.Organiser);
        _client = await factory.SignedInClient(name, password);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheEventPage_ShowsTheScheduleAndChartsAsSvg_AndItsFormsNeedAnAntiforgeryToken()
    {
        var list = await _client.GetStringAsync("/events");
        Assert.Contains("/events/demo-display-2026", list);
        var page = await _client.GetStringAsync("/events/demo-display-2026");
        Assert.Contains("<svg", page);
        Assert.Contains("新型显示", page);
        Assert.Contains("__RequestVerificationToken", page);
        Assert.Contains("09:00–09:20", page);

        var post = await _client.PostAsync("/events/demo-display-2026", new FormUrlEncodedContent([new("action", "publish")]));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/events/no-such-event")).StatusCode);
    }

    [Fact]
    public async Task FeedbackOnAMatch_IsAJudgement_AndBadFeedbackIsRefused()
    {
        var up = await _api.PostAsync("/api/v1/needs/n-display-01/feedback",
            new StringContent("""{"candidateId":"r-display-07","helpful":true}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, up.StatusCode);
        var unknown = await _api.PostAsync("/api/v1/needs/n-display-01/feedback",
            new StringContent("""{"candidateId":"<script>","helpful":false}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.DoesNotContain("<script>", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync("/api/v1/needs/none/feedback",
            new StringContent("""{"candidateId":"r-display-07","helpful":true}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task TheEventPage_ListsItsParticipants_AddsByIdWithReasons_AndRemovesOne()
    {
        var create = await _api.PostAsync("/api/v1/events", new StringContent(
            """{"id":"people-day","name":"参会方管理","startsAt":"2026-12-27T09:00:00","slots":6}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var token = await MatchingWebFactory.FormToken(_client, "/events/people-day");
        async Task<string> Post(string handler, params (string, string)[] fields)
        {
            var response = await _client.PostAsync($"/events/people-day?handler={handler}",
                new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).Append(new("__RequestVerificationToken", token))));
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, html);
            return html;
        }

        Assert.Contains("还没有参会方。", await _client.GetStringAsync("/events/people-day"));
        // By id, several at once; the one that does not exist is refused with its reason and not counted.
        var added = await Post("AddParticipants", ("kind", "enterprise"), ("ids", "ent-display-01, ent-nonexistent\nent-display-02"));
        Assert.Contains("已加入 2 个参会方；1 个未加入：ent-nonexistent（没有这个机构）", added);
        var expert = await Post("AddParticipants", ("kind", "expert"), ("ids", "e-display-01"));
        Assert.Contains("企业 2 个，成果 0 个，专家 1 个", expert);
        Assert.Contains("<code>ent-display-02</code>", expert);
        // Two people may share a name: the list and the pin form name each expert with their organisation.
        Assert.Contains(">陈立峰（电子科技大学）</option>", expert);
        Assert.Contains(">陈立峰（电子科技大学）</td>", expert);
        await Post("Constraint", ("enterprise", "ent-display-02"), ("offer", "expert:e-display-01"), ("kind", "forbid"));

        // Removing a participant takes its pins and forbids with it.
        var removed = await Post("RemoveParticipant", ("kind", "enterprise"), ("participant", "ent-display-02"));
        Assert.Contains("已移出参会方", removed);
        Assert.DoesNotContain("<code>ent-display-02</code>", removed);
        var constraints = await _api.GetStringAsync("/api/v1/events/people-day/constraints");
        Assert.DoesNotContain("ent-display-02", constraints);
        // The API does the same, by the same rule.
        Assert.Equal(HttpStatusCode.NoContent, (await _api.DeleteAsync("/api/v1/events/people-day/participants/expert/e-display-01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.DeleteAsync("/api/v1/events/people-day/participants/expert/e-display-01")).StatusCode);
    }

    [Fact]
    public async Task AnOutcomeEnteredOnThePage_ShowsUpInTheFunnel()
    {
        var create = await _api.PostAsync("/api/v1/events", new StringContent(
            """{"id":"page-day","name":"轨道交通专场","startsAt":"2026-12-23T09:00:00","slots":6}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        await _api.PostAsync("/api/v1/events/page-day/participants", new StringContent(
            """{"filter":{"industries":["轨道交通"]}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True((await _api.PostAsync("/api/v1/events/page-day/generate", null)).IsSuccessStatusCode);
        Assert.True((await _api.PostAsync("/api/v1/events/page-day/publish", null)).IsSuccessStatusCode);

        var page = await _client.GetStringAsync("/events/page-day");
        var form = System.Text.RegularExpressions.Regex.Match(page,
            """<form method="post" class="outcome" action="(?<action>[^"]+)">.*?name="enterprise" value="(?<e>[^"]+)".*?name="offerKind" value="(?<k>[^"]+)".*?name="offerId" value="(?<o>[^"]+)".*?name="__RequestVerificationToken" type="hidden" value="(?<t>[^"]+)" """.Trim(),
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(form.Success, "an outcome form with its antiforgery token");
        var posted = await _client.PostAsync(System.Net.WebUtility.HtmlDecode(form.Groups["action"].Value), new FormUrlEncodedContent(
        [
            new("enterprise", System.Net.WebUtility.HtmlDecode(form.Groups["e"].Value)), new("offerKind", form.Groups["k"].Value),
            new("offerId", System.Net.WebUtility.HtmlDecode(form.Groups["o"].Value)), new("stage", "intent"), new("__RequestVerificationToken", form.Groups["t"].Value),
        ]));
        var after = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.IsSuccessStatusCode, after);
        Assert.Contains("已记录对接成果（1 条训练标注）", after);
        var funnel = await _api.GetStringAsync("/api/v1/events/page-day/dashboard");
        Assert.Contains("\"label\":\"intent\",\"count\":1", funnel);
    }
}

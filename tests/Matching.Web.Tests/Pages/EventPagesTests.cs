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

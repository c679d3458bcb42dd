using System.Net;

namespace Matching.Web.Tests.Pages;

[Collection(WebCollection.Name)]
public class EventPagesTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

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
        var up = await _client.PostAsync("/api/v1/needs/n-display-01/feedback",
            new StringContent("""{"candidateId":"r-display-07","helpful":true}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, up.StatusCode);
        var unknown = await _client.PostAsync("/api/v1/needs/n-display-01/feedback",
            new StringContent("""{"candidateId":"<script>","helpful":false}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.DoesNotContain("<script>", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/api/v1/needs/none/feedback",
            new StringContent("""{"candidateId":"r-display-07","helpful":true}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }
}

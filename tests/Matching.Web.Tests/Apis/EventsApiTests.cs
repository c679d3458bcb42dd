using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matching.Engine.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Apis;

[Collection(WebCollection.Name)]
public class EventsApiTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.AdminClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task TheDemoEvent_IsGeneratedOnFirstStart_WithAgendasExportsAndADashboard()
    {
        var events = await Json(await _client.GetAsync("/api/v1/events"));
        var demo = Assert.Single(events.EnumerateArray(), e => e.GetProperty("id").GetString() == "demo-display-2026");
        Assert.Equal("generated", demo.GetProperty("status").GetString());
        var meetings = (await Json(await _client.GetAsync("/api/v1/events/demo-display-2026/meetings"))).EnumerateArray().ToList();
        Assert.NotEmpty(meetings);

        var dashboard = await Json(await _client.GetAsync("/api/v1/events/demo-display-2026/dashboard"));
        Assert.Equal(meetings.Count, dashboard.GetProperty("meetings").GetInt32());
        Assert.Equal(meetings.Count, dashboard.GetProperty("scores").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        Assert.Contains(dashboard.GetProperty("byIndustry").EnumerateArray(), b => b.GetProperty("label").GetString() == "新型显示");

        var csv = await _client.GetAsync("/api/v1/events/demo-display-2026/export.csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.True(csv.IsSuccessStatusCode);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Contains("企业编号", Encoding.UTF8.GetString(bytes));
        var html = await _client.GetStringAsync("/api/v1/events/demo-display-2026/agendas.html");
        Assert.Contains("size: A4", html);
        var enterprise = meetings[0].GetProperty("enterprise").GetString();
        var ics = await _client.GetAsync($"/api/v1/events/demo-display-2026/calendars/enterprise/{enterprise}.ics");
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType!.MediaType);
        Assert.Contains("TZID=Asia/Shanghai", await ics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RegeneratingAPublishedEvent_AsksForConfirmation_KeepsConfirmedMeetings_AndStaysPublished()
    {
        await Json(await _client.PostAsJsonAsync("/api/v1/events", new { id = "republish-day", name = "发布后重排", startsAt = "2026-12-24T09:00:00", slots = 6 }));
        await Json(await _client.PostAsJsonAsync("/api/v1/events/republish-day/participants", new { filter = new { industries = new[] { "新型显示" } } }));
        await Json(await _client.PostAsync("/api/v1/events/republish-day/generate", null));
        await Json(await _client.PostAsync("/api/v1/events/republish-day/publish", null));
        var meetings = (await Json(await _client.GetAsync("/api/v1/events/republish-day/meetings"))).EnumerateArray().ToList();
        var kept = meetings[0];
        foreach (var side in new[] { "enterprise", "offer" })
            Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync("/api/v1/events/republish-day/meetings/respond", new
            {
                enterprise = kept.GetProperty("enterprise").GetString(), offerKind = kept.GetProperty("offerKind").GetString(), offerId = kept.GetProperty("offerId").GetString(),
                side, status = "confirmed",
            })).StatusCode);
        // Someone declines another meeting: the organiser re-solves.
        var declined = meetings[^1];
        await _client.PostAsJsonAsync("/api/v1/events/republish-day/meetings/respond", new
        {
            enterprise = declined.GetProperty("enterprise").GetString(), offerKind = declined.GetProperty("offerKind").GetString(), offerId = declined.GetProperty("offerId").GetString(),
            side = "enterprise", status = "declined",
        });

        var unconfirmed = await _client.PostAsync("/api/v1/events/republish-day/generate", null);
        Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
        Assert.Equal("Event.RepublishNotConfirmed", JsonDocument.Parse(await unconfirmed.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal("published", (await Json(await _client.GetAsync("/api/v1/events/republish-day"))).GetProperty("status").GetString());

        var again = await Json(await _client.PostAsync("/api/v1/events/republish-day/generate?confirm=true", null));
        Assert.Equal("published", again.GetProperty("status").GetString());
        Assert.True(again.GetProperty("moved").GetInt32() >= 1, "the declined meeting is gone, so something moved");
        var after = (await Json(await _client.GetAsync("/api/v1/events/republish-day/meetings"))).EnumerateArray().ToList();
        var stillThere = Assert.Single(after, m => m.GetProperty("enterprise").GetString() == kept.GetProperty("enterprise").GetString()
            && m.GetProperty("offerId").GetString() == kept.GetProperty("offerId").GetString());
        Assert.Equal("confirmed", stillThere.GetProperty("status").GetString());
        Assert.DoesNotContain(after, m => m.GetProperty("enterprise").GetString() == declined.GetProperty("enterprise").GetString()
            && m.GetProperty("offerId").GetString() == declined.GetProperty("offerId").GetString());
        Assert.Equal("published", (await Json(await _client.GetAsync("/api/v1/events/republish-day"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheApi_RefusesAPinAfterPublishing_AndAPinOnADeclinedPair_AsThePageDoes()
    {
        await Json(await _client.PostAsJsonAsync("/api/v1/events", new { id = "pin-rules-day", name = "锁定规则", startsAt = "2026-12-26T09:00:00", slots = 6 }));
        await Json(await _client.PostAsJsonAsync("/api/v1/events/pin-rules-day/participants", new { filter = new { industries = new[] { "新型显示" } } }));
        await Json(await _client.PostAsync("/api/v1/events/pin-rules-day/generate", null));
        var meetings = (await Json(await _client.GetAsync("/api/v1/events/pin-rules-day/meetings"))).EnumerateArray().ToList();
        var (first, second) = (meetings[0], meetings[1]);
        object Pair(JsonElement m, string kind) => new { enterprise = m.GetProperty("enterprise").GetString(), offerKind = m.GetProperty("offerKind").GetString(), offerId = m.GetProperty("offerId").GetString(), kind };

        // Not a participant: 400 naming the field, with the message's code.
        var stranger = await _client.PostAsJsonAsync("/api/v1/events/pin-rules-day/constraints", new { enterprise = "ent-nobody", offerKind = "result", offerId = "r-display-01", kind = "pin" });
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        var problem = JsonDocument.Parse(await stranger.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("WhyNot.NotAtEvent", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("enterprise", out _));

        // Published: the enterprise declines a meeting; a pin on another pair is refused (the list is out), and the
        // declined pair is blocked for good.
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("/api/v1/events/pin-rules-day/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync("/api/v1/events/pin-rules-day/meetings/respond", new
        {
            enterprise = first.GetProperty("enterprise").GetString(), offerKind = first.GetProperty("offerKind").GetString(), offerId = first.GetProperty("offerId").GetString(), side = "enterprise", status = "declined",
        })).StatusCode);
        var late = await _client.PostAsJsonAsync("/api/v1/events/pin-rules-day/constraints", Pair(second, "pin"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("Event.ConstraintAfterPublishing", JsonDocument.Parse(await late.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _client.DeleteAsync("/api/v1/events/pin-rules-day/constraints?enterprise=x&offerKind=result&offerId=y")).StatusCode);
        // Participants are fixed with the list, by the same rule as on the page.
        var joining = await _client.PostAsJsonAsync("/api/v1/events/pin-rules-day/participants", new { participants = new[] { new { kind = "expert", id = "e-display-02" } } });
        Assert.Equal(HttpStatusCode.Conflict, joining.StatusCode);
        Assert.Equal("Event.ParticipantsFixed", JsonDocument.Parse(await joining.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());

        var (planner, events) = (factory.Services.GetRequiredService<EventPlanner>(), factory.Services.GetRequiredService<Matching.Engine.Storage.EventStore>());
        Assert.Equal("published", events.Get("pin-rules-day")!.Status);
        Assert.NotNull(planner.Blocked(events.Get("pin-rules-day")!, first.GetProperty("enterprise").GetString()!, EventPlanner.OfferKey(first.GetProperty("offerKind").GetString()!, first.GetProperty("offerId").GetString()!)));
    }

    [Fact]
    public async Task ParticipantsThatDoNotExist_AreRefusedWithTheirReason_AndNotCounted()
    {
        await Json(await _client.PostAsJsonAsync("/api/v1/events", new { id = "check-day", name = "参会方校验", startsAt = "2026-12-23T09:00:00" }));
        var added = await Json(await _client.PostAsJsonAsync("/api/v1/events/check-day/participants", new
        {
            participants = new[]
            {
                new { kind = "enterprise", id = "ent-display-01" }, new { kind = "enterprise", id = "ent-nonexistent" }, new { kind = "enterprise", id = "org-scu" },
                new { kind = "result", id = "r-display-07" }, new { kind = "result", id = "r-nonexistent" }, new { kind = "expert", id = "e-nonexistent" },
            },
        }));
        Assert.Equal(2, added.GetProperty("added").GetInt32());
        Assert.Equal(2, added.GetProperty("total").GetInt32());
        var refused = added.GetProperty("refused").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("reason").GetProperty("code").GetString()!);
        Assert.Equal(["e-nonexistent", "ent-nonexistent", "org-scu", "r-nonexistent"], refused.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Event.UniversityAsEnterprise", refused["org-scu"]);
        Assert.Equal("Event.NoSuchOrganisation", refused["ent-nonexistent"]);
        var participants = (await Json(await _client.GetAsync("/api/v1/events/check-day/participants"))).EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain("ent-nonexistent", participants);
    }

    [Fact]
    public async Task TheDemoEvent_BooksNoMeetingUnderTheMatchFloor_AndNoEnterpriseMeetsAPersonTwice()
    {
        var floor = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Matching.Tests.Shared.ShippedModel.Folder, "model.json")))
            .RootElement.GetProperty("matchFloor").GetDouble();
        Assert.InRange(floor, 0.01, 0.99);
        var ev = await Json(await _client.GetAsync("/api/v1/events/demo-display-2026"));
        Assert.Equal(JsonValueKind.Null, ev.GetProperty("minScore").ValueKind);
        var meetings = (await Json(await _client.GetAsync("/api/v1/events/demo-display-2026/meetings"))).EnumerateArray().ToList();
        Assert.NotEmpty(meetings);
        Assert.All(meetings, m => Assert.True(m.GetProperty("pinned").GetBoolean() || m.GetProperty("score").GetDouble() >= floor,
            $"{m.GetProperty("enterprise").GetString()} · {m.GetProperty("offerId").GetString()} booked at {m.GetProperty("score").GetDouble()}"));

        // The person at the table: an expert, or the first expert a result names.
        var people = new List<(string Enterprise, string Person)>();
        foreach (var m in meetings)
        {
            var offer = m.GetProperty("offerId").GetString()!;
            var person = m.GetProperty("offerKind").GetString() == "expert" ? offer
                : (await Json(await _client.GetAsync($"/api/v1/results/{offer}"))).GetProperty("experts").EnumerateArray().Select(x => x.GetString()).FirstOrDefault();
            if (person is not null) people.Add((m.GetProperty("enterprise").GetString()!, person));
        }
        Assert.True(people.Count > 0);
        Assert.Empty(people.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => $"{g.Key.Enterprise} meets {g.Key.Person} {g.Count()} times"));
    }

    [Fact]
    public async Task AnOrganiser_CreatesSolvesEditsPublishesAndRecordsOutcomes_AndBadInputIsRefused()
    {
        var bad = await _client.PostAsJsonAsync("/api/v1/events", new { id = "../x", name = "x", startsAt = "2026-12-20T09:00:00" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var tooManyMeetings = await _client.PostAsJsonAsync("/api/v1/events", new { id = "ai-day", name = "x", startsAt = "2026-12-20T09:00:00", slots = 2, enterpriseCap = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, tooManyMeetings.StatusCode);

        var created = await _client.PostAsJsonAsync("/api/v1/events", new
        {
            id = "ai-day", name = "企业家进校园 · 人工智能专场 <script>", format = "企业家进校园", startsAt = "2026-12-20T14:00:00", slots = 6, tables = 40,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var added = await Json(await _client.PostAsJsonAsync("/api/v1/events/ai-day/participants", new { filter = new { industries = new[] { "人工智能" } } }));
        Assert.True(added.GetProperty("total").GetInt32() > 5);
        var publishEarly = await _client.PostAsync("/api/v1/events/ai-day/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, publishEarly.StatusCode);

        var generated = await Json(await _client.PostAsync("/api/v1/events/ai-day/generate", null));
        Assert.True(generated.GetProperty("meetings").GetInt32() > 0);
        Assert.Equal(generated.GetProperty("enterprises").GetInt32(), generated.GetProperty("enterprisesCovered").GetInt32());

        // Forbid a listed pair, re-solve: it is gone and why-not says so.
        var first = (await Json(await _client.GetAsync("/api/v1/events/ai-day/meetings")))[0];
        var pair = new { enterprise = first.GetProperty("enterprise").GetString(), offerKind = first.GetProperty("offerKind").GetString(), offerId = first.GetProperty("offerId").GetString() };
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync("/api/v1/events/ai-day/constraints", new { pair.enterprise, pair.offerKind, pair.offerId, kind = "forbid", note = "已有合作" })).StatusCode);
        // This time as a job on the events queue: 202 with the job's address, then the job succeeds.
        var queued = await _client.PostAsync("/api/v1/events/ai-day/generate?background=true", null);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await Json(queued)).GetProperty("jobId").GetString();
        var state = "";
        await Matching.Tests.Shared.Poll.Until(async () =>
        {
            state = (await Json(await _client.GetAsync($"/api/v1/jobs/{jobId}"))).GetProperty("state").GetString();
            return state is "Succeeded" or "Failed";
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", state);
        // Its progress is on its page in the job dashboard, as the job wrote it.
        var jobPage = await _client.GetStringAsync($"/jobs/jobs/details/{jobId}");
        Assert.Contains("<h3>Progress</h3>", jobPage);
        Assert.Contains("1 / 1 events (100.0%)", jobPage);
        var after = (await Json(await _client.GetAsync("/api/v1/events/ai-day/meetings"))).EnumerateArray().ToList();
        Assert.DoesNotContain(after, m => m.GetProperty("enterprise").GetString() == pair.enterprise && m.GetProperty("offerId").GetString() == pair.offerId);
        var why = await Json(await _client.GetAsync($"/api/v1/events/ai-day/why-not?enterprise={pair.enterprise}&offerKind={pair.offerKind}&offerId={pair.offerId}"));
        Assert.Contains("已有合作", why.GetProperty("message").GetProperty("text").GetString());

        // Publish, a participant confirms, and the filled-in sheet comes back as outcomes.
        await Json(await _client.PostAsync("/api/v1/events/ai-day/publish", null));
        var meeting = after[0];
        var respond = await _client.PostAsJsonAsync("/api/v1/events/ai-day/meetings/respond", new
        {
            enterprise = meeting.GetProperty("enterprise").GetString(), offerKind = meeting.GetProperty("offerKind").GetString(),
            offerId = meeting.GetProperty("offerId").GetString(), side = "enterprise", status = "confirmed",
        });
        Assert.Equal(HttpStatusCode.NoContent, respond.StatusCode);
        var sheet = "企业编号,对接对象类型,对接对象编号,到场,进展,金额\n" +
            $"{meeting.GetProperty("enterprise").GetString()},{(meeting.GetProperty("offerKind").GetString() == "result" ? "成果" : "专家")},{meeting.GetProperty("offerId").GetString()},是,签约,300000\n" +
            "nobody,成果,x,是,见面,\n";
        var report = await Json(await _client.PostAsync("/api/v1/events/ai-day/outcomes.csv", new StringContent(sheet, Encoding.UTF8, "text/csv")));
        Assert.Equal(1, report.GetProperty("judgements").GetInt32());
        Assert.Equal(3, Assert.Single(report.GetProperty("rejected").EnumerateArray()).GetProperty("line").GetInt32());
        var dashboard = await Json(await _client.GetAsync("/api/v1/events/ai-day/dashboard"));
        Assert.Equal(1, dashboard.GetProperty("funnel").EnumerateArray().Single(b => b.GetProperty("label").GetString() == "signed").GetProperty("count").GetInt32());
        Assert.Equal(300000m, dashboard.GetProperty("signedAmount").GetDecimal());
    }

    [Fact]
    public async Task ARequest_IsAcceptedIntoAPin_AndAMoveThatDoubleBooksIsRefused()
    {
        await Json(await _client.PostAsJsonAsync("/api/v1/events", new { id = "food-day", name = "绿色食品专场", startsAt = "2026-12-22T09:00:00", slots = 6 }));
        await Json(await _client.PostAsJsonAsync("/api/v1/events/food-day/participants", new { filter = new { industries = new[] { "绿色食品", "现代种业" } } }));
        await Json(await _client.PostAsync("/api/v1/events/food-day/generate", null));
        var meetings = (await Json(await _client.GetAsync("/api/v1/events/food-day/meetings"))).EnumerateArray().ToList();
        var participants = (await Json(await _client.GetAsync("/api/v1/events/food-day/participants"))).EnumerateArray().ToList();
        // The enterprise with the most meetings (every meeting is over the model's match floor, so some have one).
        var enterprise = meetings.GroupBy(m => m.GetProperty("enterprise").GetString()!).MaxBy(g => g.Count())!.Key;
        var unmet = participants.Select(p => (Kind: p.GetProperty("kind").GetString()!, Id: p.GetProperty("id").GetString()!))
            .First(p => p.Kind == "expert" && !meetings.Any(m => m.GetProperty("enterprise").GetString() == enterprise && m.GetProperty("offerId").GetString() == p.Id));

        var bad = await _client.PostAsJsonAsync("/api/v1/events/food-day/requests", new { enterprise, offerKind = "expert", offerId = unmet.Id, requestedBy = "someone" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var created = await Json(await _client.PostAsJsonAsync("/api/v1/events/food-day/requests", new { enterprise, offerKind = "expert", offerId = unmet.Id, requestedBy = "enterprise", note = "想当面请教" }));
        var requestId = created.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync($"/api/v1/events/food-day/requests/{requestId}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync($"/api/v1/events/food-day/requests/{requestId}/accept", null)).StatusCode);
        await Json(await _client.PostAsync("/api/v1/events/food-day/generate", null));
        meetings = (await Json(await _client.GetAsync("/api/v1/events/food-day/meetings"))).EnumerateArray().ToList();
        Assert.Contains(meetings, m => m.GetProperty("enterprise").GetString() == enterprise && m.GetProperty("offerId").GetString() == unmet.Id && m.GetProperty("pinned").GetBoolean());

        // Moving one of the enterprise's meetings into the slot of another of its meetings double-books it.
        var mine = meetings.Where(m => m.GetProperty("enterprise").GetString() == enterprise).Take(2).ToList();
        var clash = await _client.PostAsJsonAsync("/api/v1/events/food-day/meetings/move", new[]
        {
            new { enterprise, offerKind = mine[0].GetProperty("offerKind").GetString(), offerId = mine[0].GetProperty("offerId").GetString(), slot = mine[1].GetProperty("slot").GetInt32(), table = 99 },
        });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        Assert.Contains("Event.TwiceInSlot", await clash.Content.ReadAsStringAsync());
    }
}

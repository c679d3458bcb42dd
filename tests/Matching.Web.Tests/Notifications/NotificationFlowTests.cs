using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matching.Engine.Accounts;
using Matching.Tests.Shared;
using MimeKit;

namespace Matching.Web.Tests.Notifications;

/// <summary>
/// An event is published: its participants' users find a notification on the site and an e-mail in the SMTP server;
/// one confirms a meeting on their agenda page, and the other side hears of it the same two ways.
/// </summary>
[Collection(WebCollection.Name)]
public class NotificationFlowTests(MatchingWebFactory factory)
{
    private const string EventId = "notify-day", EventName = "轨道交通「通知」专场 <b>&";

    [Fact]
    public async Task PublishingNotifiesAndEmailsTheParticipants_AndAConfirmationOnTheAgendaPageTellsTheOtherSide()
    {
        using var api = factory.AdminClient();
        await Json(await api.PostAsJsonAsync("/api/v1/events", new { id = EventId, name = EventName, startsAt = "2026-12-24T09:00:00", slots = 6 }));
        await Json(await api.PostAsJsonAsync($"/api/v1/events/{EventId}/participants", new { filter = new { industries = new[] { "轨道交通" } } }));
        await Json(await api.PostAsync($"/api/v1/events/{EventId}/generate", null));
        var meetings = (await Json(await api.GetAsync($"/api/v1/events/{EventId}/meetings"))).EnumerateArray().ToList();
        var meeting = meetings[0];
        var (enterprise, offerKind, offerId) = (Text(meeting, "enterprise"), Text(meeting, "offerKind"), Text(meeting, "offerId"));
        var university = Text(await Json(await api.GetAsync($"/api/v1/{offerKind}s/{offerId}")), "organisation");
        var enterpriseName = Text(await Json(await api.GetAsync($"/api/v1/organisations/{enterprise}")), "name");
        const string enterpriseMail = "qiye-notify@example.cn", universityMail = "gaoxiao-notify@example.cn";
        var (enterpriseUser, enterprisePassword) = await factory.CreateUser(Roles.Enterprise, enterprise, enterpriseMail);
        var (universityUser, universityPassword) = await factory.CreateUser(Roles.University, university, universityMail);
        var (strangerUser, strangerPassword) = await factory.CreateUser(Roles.Enterprise, "org-not-at-this-event", "stranger-notify@example.cn");

        await Json(await api.PostAsync($"/api/v1/events/{EventId}/publish", null));

        // The enterprise's user: the notification on the site (text encoded, unread, counted in the header) ...
        using var ours = await factory.SignedInClient(enterpriseUser, enterprisePassword);
        var title = $"对接活动已发布：{EventName}（{meetings.Count(m => Text(m, "enterprise") == enterprise)} 场对接待确认）";
        var page = await ours.GetStringAsync("/notifications");
        Assert.Contains(WebUtility.HtmlEncode(title), page);
        Assert.DoesNotContain("<b>&", page);
        Assert.Contains("class=\"notification unread\"", page);
        Assert.Contains($"<a href=\"/agenda/{EventId}\">", page);
        Assert.Matches("class=\"user-link\"><bdi translate=\"no\">[^<]*</bdi><span class=\"badge badge-unread\"[^>]*><span class=\"visually-hidden\">[^<]*</span>1</span>", page);
        // ... and the e-mail, addressed to them, its Chinese subject encoded on the wire and decoded back the same.
        var mail = await MailTo(enterpriseMail, m => (m.Subject ?? "").StartsWith("对接活动已发布", StringComparison.Ordinal));
        Assert.Equal(title, mail.Subject);
        Assert.Equal(enterpriseMail, Assert.Single(mail.To.Mailboxes).Address);
        Assert.Contains($"查看：{MatchingWebFactory.SiteBaseUrl}/agenda/{EventId}", mail.TextBody);
        Assert.Contains($"{MatchingWebFactory.SiteBaseUrl}/agenda/{EventId}/calendar", mail.TextBody);
        Assert.Null(mail.HtmlBody);
        Assert.Contains(factory.Mail.ReceivedEmail, m => m.ToAddresses.Any(a => a.Address == enterpriseMail) && Regex.IsMatch(m.Data, @"(?im)^Subject: =\?utf-8\?[bq]\?"));

        // Someone whose organisation takes no part may not open the agenda; nobody answers without the form's token.
        using var stranger = await factory.SignedInClient(strangerUser, strangerPassword);
        var refused = await stranger.GetAsync($"/agenda/{EventId}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Headers.Location!.PathAndQuery);
        var answer = new Dictionary<string, string> { ["enterprise"] = enterprise, ["offerKind"] = offerKind, ["offerId"] = offerId, ["answer"] = "confirmed" };
        Assert.Equal(HttpStatusCode.BadRequest, (await ours.PostAsync($"/agenda/{EventId}", new FormUrlEncodedContent(answer))).StatusCode);

        // The enterprise's user confirms the meeting on their agenda page, which also offers the calendar file.
        var agenda = await ours.GetStringAsync($"/agenda/{EventId}");
        Assert.Contains(WebUtility.HtmlEncode(Text(meetings.First(m => Text(m, "enterprise") == enterprise), "offerId")), agenda);
        var calendar = await ours.GetAsync($"/agenda/{EventId}/calendar");
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType!.MediaType);
        Assert.Contains("BEGIN:VEVENT", await calendar.Content.ReadAsStringAsync());
        answer["__RequestVerificationToken"] = await MatchingWebFactory.FormToken(ours, $"/agenda/{EventId}");
        var confirmed = await ours.PostAsync($"/agenda/{EventId}", new FormUrlEncodedContent(answer));
        var after = await confirmed.Content.ReadAsStringAsync();
        Assert.True(confirmed.IsSuccessStatusCode, after);
        Assert.Contains("已确认，对方和组织方会收到通知。", after);
        var stored = (await Json(await api.GetAsync($"/api/v1/events/{EventId}/meetings"))).EnumerateArray()
            .Single(m => Text(m, "enterprise") == enterprise && Text(m, "offerKind") == offerKind && Text(m, "offerId") == offerId);
        Assert.Equal("confirmed", Text(stored, "enterpriseStatus"));

        // The offer side's user hears of it on the site and by e-mail.
        using var theirs = await factory.SignedInClient(universityUser, universityPassword);
        Assert.Contains(WebUtility.HtmlEncode($"{enterpriseName} 已确认对接"), await theirs.GetStringAsync("/notifications"));
        var told = await MailTo(universityMail, m => (m.Subject ?? "").Contains("已确认对接", StringComparison.Ordinal));
        Assert.Equal($"{enterpriseName} 已确认对接", told.Subject);
        Assert.Contains($"{MatchingWebFactory.SiteBaseUrl}/agenda/{EventId}", told.TextBody);
        // The side that answered is not told of its own answer.
        Assert.DoesNotContain(factory.MailTo(enterpriseMail), m => (m.Subject ?? "").Contains("已确认对接", StringComparison.Ordinal));
        Assert.Empty(factory.MailTo("stranger-notify@example.cn"));

        // Marking everything read empties the header's count.
        var readAll = await ours.PostAsync("/notifications?handler=ReadAll", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await MatchingWebFactory.FormToken(ours, "/notifications"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, readAll.StatusCode);
        var read = await ours.GetStringAsync("/notifications");
        Assert.DoesNotContain("badge-unread", read);
        Assert.DoesNotContain("class=\"notification unread\"", read);
    }

    /// <summary>Waits for the SMTP server to receive a message for <paramref name="address"/> that matches.</summary>
    private async Task<MimeMessage> MailTo(string address, Func<MimeMessage, bool> match)
    {
        MimeMessage? found = null;
        Assert.True(await Poll.Until(() => Task.FromResult((found = factory.MailTo(address).FirstOrDefault(match)) is not null), TimeSpan.FromSeconds(60)),
            $"no matching e-mail to {address}; received: {string.Join(" | ", factory.MailTo(address).Select(m => m.Subject))}");
        return found!;
    }

    private static string Text(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }
}

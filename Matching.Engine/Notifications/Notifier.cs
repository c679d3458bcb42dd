using System.Security.Cryptography;
using System.Text;
using Matching.Engine.Accounts;
using Matching.Engine.Events;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.Extensions.Options;

namespace Matching.Engine.Notifications;

/// <summary>
/// Decides who hears about what, writes their notifications (in each recipient's language), and hands those to e-mail
/// to the <see cref="INotificationSink"/>. Called where things happen: the match job after it stores a need's lists,
/// an event's publishing, a meeting's answer. Each notification has a dedupe key, so calling again for the same thing
/// (a retried job, a second click) makes nothing new.
/// </summary>
public sealed class Notifier(NotificationStore notifications, AccountStore accounts, RecordStore records, EventStore events, EventAgendas agendas,
    IOptions<NotificationOptions> options, IOptions<SiteOptions> site, INotificationSink? sink = null)
{
    /// <summary>Candidates named in one strong-match notification; the rest are counted.</summary>
    public const int MaxListed = 10;

    /// <summary>
    /// After a need's lists are stored: the results and experts at or over the strong-match score that the need's
    /// enterprise has not been told about (and may see) make one notification per user of the enterprise. Returns how
    /// many notifications were made.
    /// </summary>
    public int MatchesStored(IReadOnlyList<TechNeed> needs, IReadOnlyList<StoredLists> lists)
    {
        var threshold = options.Value.StrongMatchScore;
        var strong = lists
            .Select(l => (l.NeedId, Matches: l.Results.Where(m => m.Score >= threshold).Select(m => (Kind: RecordKind.Result.Name(), Match: m))
                .Concat(l.Experts.Where(m => m.Score >= threshold).Select(m => (Kind: RecordKind.Expert.Name(), Match: m))).ToList()))
            .Where(x => x.Matches.Count > 0).ToList();
        if (strong.Count == 0) return 0;
        var told = notifications.NotifiedMatches(strong.Select(x => x.NeedId).ToList());
        var byId = needs.ToDictionary(n => n.Id);
        var drafts = new List<(NotificationDraft, Account)>();
        var remembered = new List<(string NeedId, List<(string Kind, string Id)> Candidates)>();
        foreach (var (needId, matches) in strong)
        {
            if (!byId.TryGetValue(needId, out var need)) continue;
            var fresh = matches.Where(m => !told[needId].Contains((m.Kind, m.Match.CandidateId))).ToList();
            if (fresh.Count == 0) continue;
            // Only what the enterprise may see is told (and remembered: a hidden one is told if it becomes visible).
            var titles = Titles(fresh.Select(m => (m.Kind, m.Match.CandidateId)).ToList(), new Viewer("notifier", Roles.Enterprise, need.Organisation));
            var shown = fresh.Where(m => titles.ContainsKey((m.Kind, m.Match.CandidateId))).OrderByDescending(m => m.Match.Score).ToList();
            if (shown.Count == 0) continue;
            remembered.Add((need.Id, shown.Select(m => (m.Kind, m.Match.CandidateId)).ToList()));
            if (need.Organisation is null) continue;
            var key = Key(NotificationKinds.StrongMatches, need.Id, Hash(shown.Select(m => m.Kind + "/" + m.Match.CandidateId)));
            foreach (var user in accounts.InOrganisation(need.Organisation))
            {
                var t = NotificationTexts.For(user.Language);
                var body = new StringBuilder(t.StrongMatchesIntro(need.Title)).AppendLine();
                foreach (var m in shown.Take(MaxListed)) body.AppendLine(t.Candidate(m.Kind, titles[(m.Kind, m.Match.CandidateId)], m.Match.Score));
                if (shown.Count > MaxListed) body.AppendLine(t.More(shown.Count - MaxListed));
                drafts.Add((new NotificationDraft(user.Id, NotificationKinds.StrongMatches, key, t.StrongMatchesTitle(shown.Count, Short(need.Title)),
                    body.ToString().TrimEnd(), "/needs/" + Uri.EscapeDataString(need.Id)), user));
            }
        }
        var made = Store(drafts);
        foreach (var (needId, candidates) in remembered) notifications.RecordNotifiedMatches(needId, candidates);
        return made;
    }

    /// <summary>
    /// After an event is published: every user of a participating enterprise and of each university or institute with
    /// a meeting gets one notification with their organisation's meetings, a link to their agenda page and its
    /// calendar file. Publishing the same schedule again makes nothing new; a changed one tells again.
    /// </summary>
    public int Published(string eventId)
    {
        var ev = events.Get(eventId) ?? throw new KeyNotFoundException($"no event {eventId}");
        if (ev.Status != EventStatus.Published) return 0;
        var entries = agendas.Entries(eventId);
        var organisations = entries.Select(e => e.EnterpriseId).Concat(entries.Select(e => e.OfferOrganisation).OfType<string>())
            .Concat(events.Participants(eventId).Where(p => p.Kind == EventParticipant.Enterprise).Select(p => p.Id)).ToHashSet();
        var link = AgendaLink(ev.Id);
        var calendar = site.Value.Absolute(link + "/calendar");
        var drafts = new List<(NotificationDraft, Account)>();
        foreach (var user in accounts.InOrganisations(organisations))
        {
            var mine = entries.Where(e => e.SideOf(user.OrganisationId) is not null).ToList();
            var t = NotificationTexts.For(user.Language);
            var body = new StringBuilder(t.MeetingsIntro(ev.Name, ev.StartsAtLocal, ev.Venue)).AppendLine();
            foreach (var e in mine) body.AppendLine(t.Meeting(e, e.SideOf(user.OrganisationId)));
            if (mine.Count == 0) body.AppendLine(t.NoMeetings);
            else body.AppendLine().AppendLine(t.AnswerHere).AppendLine(t.CalendarFile(calendar));
            var key = Key(NotificationKinds.MeetingsProposed, ev.Id, Hash(mine.Select(e => $"{e.Slot}/{e.Table}/{e.EnterpriseId}/{e.OfferKind}/{e.OfferId}")));
            drafts.Add((new NotificationDraft(user.Id, NotificationKinds.MeetingsProposed, key, t.MeetingsTitle(Short(ev.Name), mine.Count), body.ToString().TrimEnd(), link), user));
        }
        return Store(drafts);
    }

    /// <summary>
    /// After one side of a meeting confirmed or declined it (<paramref name="side"/> "enterprise" or "offer"): the other
    /// side's users and the organisers are told. A reset to "proposed" tells nobody.
    /// </summary>
    public int Answered(string eventId, string enterprise, string offerKind, string offerId, string side, string status)
    {
        if (side is not ("enterprise" or "offer")) throw new ArgumentException($"unknown side '{side}'", nameof(side));
        if (status is not (MeetingStatus.Confirmed or MeetingStatus.Declined)) return 0;
        var entry = agendas.Entries(eventId).FirstOrDefault(e => e.EnterpriseId == enterprise && e.OfferKind == offerKind && e.OfferId == offerId);
        if (entry is null) return 0;
        var other = side == "enterprise" ? entry.OfferOrganisation : entry.EnterpriseId;
        var who = side == "enterprise" ? entry.EnterpriseName
            : new[] { entry.ExpertName, entry.University, entry.OfferTitle }.First(s => !string.IsNullOrWhiteSpace(s))!;
        var recipients = (other is null ? [] : accounts.InOrganisation(other)).Concat(accounts.WithRole(Roles.Organiser)).DistinctBy(a => a.Id);
        var key = Key(NotificationKinds.MeetingAnswered, eventId, enterprise, offerKind, offerId, side, status);
        var drafts = recipients.Select(user =>
        {
            var t = NotificationTexts.For(user.Language);
            var link = user.Role is Roles.Organiser or Roles.Admin ? "/events/" + Uri.EscapeDataString(eventId) : AgendaLink(eventId);
            return (new NotificationDraft(user.Id, NotificationKinds.MeetingAnswered, key, t.AnsweredTitle(Short(who), status), t.AnsweredBody(entry, who, status), link), user);
        }).ToList();
        return Store(drafts);
    }

    /// <summary>The participant's agenda page of an event.</summary>
    public static string AgendaLink(string eventId) => "/agenda/" + Uri.EscapeDataString(eventId);

    /// <summary>Stores the drafts; the ones not e-mailed yet whose recipient has an address go to the sink. Returns how many are new.</summary>
    private int Store(List<(NotificationDraft Draft, Account To)> drafts)
    {
        if (drafts.Count == 0) return 0;
        var stored = notifications.Add(drafts.Select(d => d.Draft).ToList());
        var addressed = drafts.Where(d => !string.IsNullOrWhiteSpace(d.To.Email)).Select(d => d.To.Id).ToHashSet();
        var toMail = stored.Select(s => s.Notification).Where(n => n.EmailedAt is null && addressed.Contains(n.UserId)).ToList();
        if (toMail.Count > 0) sink?.Deliver(toMail);
        return stored.Count(s => s.IsNew);
    }

    /// <summary>Titles of results and names of experts, for those <paramref name="viewer"/> may see.</summary>
    private Dictionary<(string Kind, string Id), string> Titles(IReadOnlyList<(string Kind, string Id)> candidates, Viewer viewer)
    {
        var ids = candidates.ToLookup(c => c.Kind, c => c.Id);
        var titles = new Dictionary<(string, string), string>();
        foreach (var r in records.GetResults(ids[RecordKind.Result.Name()].ToList()).Select(viewer.View).OfType<ResearchResult>())
            titles[(RecordKind.Result.Name(), r.Id)] = Short(r.Title);
        foreach (var x in records.GetExperts(ids[RecordKind.Expert.Name()].ToList()).Select(viewer.View).OfType<Expert>())
            titles[(RecordKind.Expert.Name(), x.Id)] = Short(x.Title is null ? x.Name : $"{x.Name} {x.Title}");
        return titles;
    }

    /// <summary>A dedupe key from its parts; long ones keep their start and a hash of the whole.</summary>
    private static string Key(params string[] parts)
    {
        var key = string.Join(":", parts);
        return key.Length <= 200 ? key : key[..100] + "#" + Hash([key]);
    }

    private static string Hash(IEnumerable<string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", items))))[..32];

    /// <summary>A record's text for a one-line title: whitespace runs made one space, at most 60 characters.</summary>
    private static string Short(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 60 ? line : line[..(char.IsHighSurrogate(line[58]) ? 58 : 59)] + "…";
    }
}

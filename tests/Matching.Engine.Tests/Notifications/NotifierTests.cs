using Matching.Engine.Accounts;
using Matching.Engine.Events;
using Matching.Engine.Matches;
using Matching.Engine.Notifications;
using Matching.Engine.Storage;
using Matching.Engine.Tests.Providers;
using W = Matching.Engine.Tests.Notifications.NotificationWorld;

namespace Matching.Engine.Tests.Notifications;

/// <summary>Who is told what: strong matches to the need's enterprise, a published schedule to its participants, an answer to the other side.</summary>
public class NotifierTests
{
    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void StrongMatches_AreToldToTheNeedsEnterprise_OnlyOverTheThreshold_OnlyWhatItMaySee_AndOnlyOnce(DatabaseProvider provider)
    {
        using var world = new W(provider);
        var owner = world.User(Roles.Enterprise, W.Enterprise, "qiye@example.cn");
        var english = world.User(Roles.Enterprise, W.Enterprise, language: "en");
        var bystanders = new[] { world.User(Roles.Enterprise, W.OtherEnterprise, "other@example.cn"), world.User(Roles.University, W.University), world.User(Roles.Organiser, null) };
        var need = world.Data.Store.GetNeed(W.Need)!;

        var lists = Lists([("r-1", 0.93), ("r-2", 0.81), ("r-3", 0.95), ("r-4", 0.79)], [("x-1", 0.85)]);
        Assert.Equal(2, world.Notifier.MatchesStored([need], [lists]));
        var told = Assert.Single(world.Of(owner));
        Assert.Equal(NotificationKinds.StrongMatches, told.Kind);
        Assert.Equal("3 条新的强匹配：城轨车辆车体减重", told.Title);
        Assert.Equal("/needs/n-1", told.Link);
        Assert.Contains("成果：轨道车辆轻量化车体技术（匹配度 0.93）", told.Body);
        Assert.Contains("专家：李明 教授（匹配度 0.85）", told.Body);
        Assert.Contains("牵引变流器状态监测 <script>alert(1)</script>", told.Body); // plain text: pages and e-mails encode it
        Assert.DoesNotContain("轨道减振降噪材料", told.Body); // 0.79: under the threshold
        Assert.DoesNotContain("仅组织方可见", told.Body); // the enterprise may not see it
        Assert.Equal("3 new strong matches: 城轨车辆车体减重", Assert.Single(world.Of(english)).Title);
        Assert.All(bystanders, b => Assert.Empty(world.Of(b)));
        Assert.Equal([told.Id], world.Sink.Delivered.Select(n => n.Id)); // only the user with an address is e-mailed

        // The same lists stored again tell nothing; a candidate rising over the threshold is told alone.
        Assert.Equal(0, world.Notifier.MatchesStored([need], [lists]));
        Assert.Equal(2, world.Notifier.MatchesStored([need], [Lists([("r-1", 0.9), ("r-4", 0.88)], [("x-1", 0.86)])]));
        var newest = world.Of(owner)[0];
        Assert.Equal("1 条新的强匹配：城轨车辆车体减重", newest.Title);
        Assert.Contains("轨道减振降噪材料", newest.Body);
        Assert.DoesNotContain("轻量化", newest.Body);
        Assert.Equal(2, world.Of(owner).Count);
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void TheStrongMatchScore_IsConfigurable(DatabaseProvider provider)
    {
        using var world = new W(provider, strongMatchScore: 0.9);
        var owner = world.User(Roles.Enterprise, W.Enterprise);
        Assert.Equal(1, world.Notifier.MatchesStored([world.Data.Store.GetNeed(W.Need)!], [Lists([("r-1", 0.93), ("r-2", 0.89)], [("x-1", 0.85)])]));
        Assert.Equal("1 条新的强匹配：城轨车辆车体减重", Assert.Single(world.Of(owner)).Title);
        // Nothing strong, or a need without lists in this batch: nothing at all.
        Assert.Equal(0, world.Notifier.MatchesStored([world.Data.Store.GetNeed(W.Need)!], [Lists([("r-4", 0.5)], [])]));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void APublishedSchedule_TellsEachParticipantsUsersTheirMeetings_Once(DatabaseProvider provider)
    {
        using var world = new W(provider);
        var (enterprise, university, otherUniversity) = Publish(world);
        var idle = world.User(Roles.Enterprise, W.OtherEnterprise);
        var outsiders = new[] { world.User(Roles.Enterprise, "org-not-taking-part", "x@example.cn"), world.User(Roles.Organiser, null, "zuzhi@example.cn") };

        Assert.Equal(4, world.Notifier.Published("ev-1"));
        var mine = Assert.Single(world.Of(enterprise));
        Assert.Equal("对接活动已发布：轨道交通专场（3 场对接待确认）", mine.Title);
        Assert.Equal("/agenda/ev-1", mine.Link);
        Assert.Contains("09:00–09:20 第 1 桌：成果 轨道车辆轻量化车体技术（李明 · 西南交通大学）", mine.Body);
        Assert.Contains("09:20–09:40 第 2 桌：专家 李明（西南交通大学）", mine.Body);
        Assert.Contains("日历文件（.ics）：https://matching.example.cn/agenda/ev-1/calendar", mine.Body);
        var theirs = Assert.Single(world.Of(university));
        Assert.Equal("Event published: 轨道交通专场 (2 meetings to confirm)", theirs.Title);
        Assert.Contains("成都轨道装备有限公司 <-> 轨道车辆轻量化车体技术", theirs.Body);
        Assert.DoesNotContain("轨道减振降噪材料", theirs.Body); // the other university's meeting
        Assert.Contains("轨道减振降噪材料", Assert.Single(world.Of(otherUniversity)).Body);
        Assert.Contains("本次活动暂未为您安排对接。", Assert.Single(world.Of(idle)).Body);
        Assert.All(outsiders, o => Assert.Empty(world.Of(o)));
        Assert.Equal(new[] { enterprise.Id, university.Id }.Order(), world.Sink.Delivered.Select(n => n.UserId).Order());

        // Publishing the same schedule again makes nothing; a moved meeting tells the two organisations it concerns.
        Assert.Equal(0, world.Notifier.Published("ev-1"));
        world.Events.ReplaceMeetings("ev-1", Meetings(lastSlot: 4));
        Assert.Equal(2, world.Notifier.Published("ev-1"));
        Assert.Contains("10:20–10:40 第 1 桌", world.Of(otherUniversity)[0].Body);
        Assert.Equal(2, world.Of(enterprise).Count);
        Assert.Single(world.Of(university));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void AnAnswer_TellsTheOtherSideAndTheOrganisers_NotTheSideThatAnswered(DatabaseProvider provider)
    {
        using var world = new W(provider);
        var (enterprise, university, otherUniversity) = Publish(world);
        var organiser = world.User(Roles.Organiser, null);

        Assert.Equal(2, world.Notifier.Answered("ev-1", W.Enterprise, "result", "r-1", "enterprise", MeetingStatus.Confirmed));
        var told = Assert.Single(world.Of(university));
        Assert.Equal("成都轨道装备有限公司 confirmed a meeting", told.Title);
        Assert.Equal("/agenda/ev-1", told.Link);
        var organisers = Assert.Single(world.Of(organiser));
        Assert.Equal("成都轨道装备有限公司 已确认对接", organisers.Title);
        Assert.Contains("2026-12-20 09:00 第 1 桌的对接：成都轨道装备有限公司 ↔ 轨道车辆轻量化车体技术", organisers.Body);
        Assert.Equal("/events/ev-1", organisers.Link);
        Assert.Empty(world.Of(enterprise));
        Assert.Empty(world.Of(otherUniversity));
        Assert.Equal([university.Id], world.Sink.Delivered.Select(n => n.UserId));

        // The same answer again tells nobody; the offer side declining tells the enterprise.
        Assert.Equal(0, world.Notifier.Answered("ev-1", W.Enterprise, "result", "r-1", "enterprise", MeetingStatus.Confirmed));
        Assert.Equal(2, world.Notifier.Answered("ev-1", W.Enterprise, "result", "r-4", "offer", MeetingStatus.Declined));
        Assert.Equal("四川大学 婉拒了对接", Assert.Single(world.Of(enterprise)).Title);
        Assert.Equal(0, world.Notifier.Answered("ev-1", W.Enterprise, "result", "r-4", "offer", MeetingStatus.Proposed));
        Assert.Equal(0, world.Notifier.Answered("ev-1", W.Enterprise, "result", "no-such-result", "offer", MeetingStatus.Confirmed));
        Assert.Throws<ArgumentException>(() => world.Notifier.Answered("ev-1", W.Enterprise, "result", "r-1", "someone", MeetingStatus.Confirmed));
    }

    /// <summary>
    /// Publishes event ev-1 (three meetings of the enterprise: two with the university, one with the other) and makes a
    /// user of each: the enterprise's and the university's with an address, the university's in English.
    /// </summary>
    private static (Account Enterprise, Account University, Account OtherUniversity) Publish(W world)
    {
        world.Events.Save(new MatchingEvent { Id = "ev-1", Name = "轨道交通专场", StartsAtLocal = new DateTime(2026, 12, 20, 9, 0, 0), Slots = 6, Venue = "西部国际博览城" });
        world.Events.AddParticipants("ev-1",
        [
            new(EventParticipant.Enterprise, W.Enterprise), new(EventParticipant.Enterprise, W.OtherEnterprise),
            new(EventParticipant.Result, "r-1"), new(EventParticipant.Expert, "x-1"), new(EventParticipant.Result, "r-4"),
        ]);
        world.Events.ReplaceMeetings("ev-1", Meetings(lastSlot: 2));
        // Not published yet: nobody is told.
        Assert.Equal(0, world.Notifier.Published("ev-1"));
        world.Events.SetStatus("ev-1", EventStatus.Generated);
        world.Events.SetStatus("ev-1", EventStatus.Published);
        return (world.User(Roles.Enterprise, W.Enterprise, "qiye@example.cn"), world.User(Roles.University, W.University, "gaoxiao@example.cn", language: "en"),
            world.User(Roles.University, W.OtherUniversity));
    }

    private static List<StoredMeeting> Meetings(int lastSlot) =>
    [
        new(W.Enterprise, EventParticipant.Result, "r-1", W.Need, 0.9, 0, 1, false),
        new(W.Enterprise, EventParticipant.Expert, "x-1", W.Need, 0.8, 1, 2, false),
        new(W.Enterprise, EventParticipant.Result, "r-4", W.Need, 0.7, lastSlot, 1, false),
    ];

    private static StoredLists Lists(IReadOnlyList<(string Id, double Score)> results, IReadOnlyList<(string Id, double Score)> experts) =>
        new("A", W.Need, results.Select((r, i) => new StoredMatch(r.Id, r.Score, 1f, i + 1, 1)).ToList(), experts.Select((x, i) => new StoredMatch(x.Id, x.Score, 1f, i + 1, 1)).ToList());
}

using Matching.Engine.Accounts;
using Matching.Engine.Notifications;
using Matching.Engine.Storage;
using Matching.Engine.Tests.Providers;

namespace Matching.Engine.Tests.Notifications;

/// <summary>The notifications table on both providers: made once per key, listed newest first, read, e-mailed.</summary>
public class NotificationStoreTests
{
    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void TheSameKey_MakesOneNotificationPerUser_AndASecondAddReturnsTheFirst(DatabaseProvider provider)
    {
        using var world = new NotificationWorld(provider);
        var (alice, bob) = (world.User(Roles.Enterprise, NotificationWorld.Enterprise), world.User(Roles.Enterprise, NotificationWorld.Enterprise));
        var first = world.Store.Add([Draft(alice.Id, "k-1", "第一条"), Draft(bob.Id, "k-1", "第一条")]);
        Assert.All(first, s => Assert.True(s.IsNew));
        var again = world.Store.Add([Draft(alice.Id, "k-1", "改过的标题"), Draft(alice.Id, "k-2", "第二条")]);
        Assert.False(again[0].IsNew);
        Assert.Equal(first[0].Notification, again[0].Notification);
        Assert.Equal("第一条", again[0].Notification.Title);
        Assert.True(again[1].IsNew);
        Assert.Equal(["第二条", "第一条"], world.Of(alice).Select(n => n.Title));
        Assert.Single(world.Of(bob));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void Notifications_ArePagedNewestFirst_ReadOnlyByTheirUser_AndCounted(DatabaseProvider provider)
    {
        using var world = new NotificationWorld(provider);
        var alice = world.User(Roles.Enterprise, NotificationWorld.Enterprise);
        var bob = world.User(Roles.University, NotificationWorld.University);
        world.Store.Add(Enumerable.Range(1, 25).Select(i => Draft(alice.Id, $"k-{i}", $"通知 {i}")).ToList());
        var page1 = world.Store.For(alice.Id, 1, 10);
        var page3 = world.Store.For(alice.Id, 3, 10);
        Assert.Equal((25, 3), (page1.Total, page1.Pages));
        Assert.Equal("通知 25", page1.Items[0].Title);
        Assert.Equal(["通知 5", "通知 4", "通知 3", "通知 2", "通知 1"], page3.Items.Select(n => n.Title));
        Assert.Equal(25, world.Store.UnreadCount(alice.Id));

        var one = page1.Items[0];
        Assert.False(world.Store.MarkRead(bob.Id, one.Id)); // not bob's
        Assert.True(world.Store.MarkRead(alice.Id, one.Id));
        Assert.False(world.Store.MarkRead(alice.Id, one.Id)); // already read
        Assert.Equal(24, world.Store.UnreadCount(alice.Id));
        Assert.True(world.Store.Get(one.Id)!.IsRead);
        Assert.Equal(24, world.Store.MarkAllRead(alice.Id));
        Assert.Equal(0, world.Store.UnreadCount(alice.Id));
        Assert.Equal(0, world.Store.UnreadCount(bob.Id));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void NotEmailed_ListsOnlyUsersWithAnAddress_UntilMarked_AndDeletingAUserDeletesTheirs(DatabaseProvider provider)
    {
        using var world = new NotificationWorld(provider);
        var addressed = world.User(Roles.Enterprise, NotificationWorld.Enterprise, "qiye@example.cn");
        var silent = world.User(Roles.Enterprise, NotificationWorld.Enterprise);
        var made = world.Store.Add([Draft(addressed.Id, "k", "有邮箱"), Draft(silent.Id, "k", "无邮箱")]);
        var window = (DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal([made[0].Notification.Id], world.Store.NotEmailed(window.Item1, window.Item2).Select(n => n.Id));
        Assert.Empty(world.Store.NotEmailed(window.Item1.AddHours(-2), window.Item1.AddHours(-1)));
        Assert.True(world.Store.MarkEmailed(made[0].Notification.Id));
        Assert.False(world.Store.MarkEmailed(made[0].Notification.Id));
        Assert.NotNull(world.Store.Get(made[0].Notification.Id)!.EmailedAt);
        Assert.Empty(world.Store.NotEmailed(window.Item1, window.Item2));

        Assert.True(world.Accounts.Delete(silent.Id));
        Assert.Null(world.Store.Get(made[1].Notification.Id));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void LongTitlesAreCut_WithoutSplittingACharacter(DatabaseProvider provider)
    {
        using var world = new NotificationWorld(provider);
        var alice = world.User(Roles.Enterprise, NotificationWorld.Enterprise);
        var title = string.Concat(Enumerable.Repeat("𠀀", NotificationStore.MaxTitle)); // each is two UTF-16 units
        var stored = world.Store.Add([Draft(alice.Id, "k", title)])[0].Notification;
        Assert.True(stored.Title.Length <= NotificationStore.MaxTitle);
        Assert.EndsWith("…", stored.Title);
        Assert.False(char.IsHighSurrogate(stored.Title[^2]));
    }

    private static NotificationDraft Draft(string user, string key, string title) =>
        new(user, NotificationKinds.MeetingAnswered, key, title, "正文", "/notifications");
}

using Matching.Engine.Accounts;
using Matching.Engine.Events;
using Matching.Engine.Notifications;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.Extensions.Options;

namespace Matching.Engine.Tests.Notifications;

/// <summary>
/// A small world to notify: two enterprises, two universities with results and an expert, a need, users, and the
/// notifier over them with a sink that records what it was handed.
/// </summary>
internal sealed class NotificationWorld : IDisposable
{
    public const string Enterprise = "org-e1", OtherEnterprise = "org-e2", University = "org-u1", OtherUniversity = "org-u2", Need = "n-1";

    public NotificationWorld(DatabaseProvider provider, double strongMatchScore = 0.8)
    {
        Data = new TempDataDirectory(provider);
        Accounts = new AccountStore(Data.Database);
        Store = new NotificationStore(Data.Database);
        Events = new EventStore(Data.Database);
        Notifier = new Notifier(Store, Accounts, Data.Store, Events, new EventAgendas(Data.Store, Events),
            Options.Create(new NotificationOptions { StrongMatchScore = strongMatchScore }), Options.Create(new SiteOptions { BaseUrl = "https://matching.example.cn/" }), Sink);
        using var w = Data.Store.BeginWrite();
        w.Upsert(new Organisation { Id = Enterprise, Name = "成都轨道装备有限公司", Kind = "enterprise" });
        w.Upsert(new Organisation { Id = OtherEnterprise, Name = "成都食品科技有限公司", Kind = "enterprise" });
        w.Upsert(new Organisation { Id = University, Name = "西南交通大学", Kind = "university" });
        w.Upsert(new Organisation { Id = OtherUniversity, Name = "四川大学", Kind = "university" });
        w.Upsert(new Expert { Id = "x-1", Name = "李明", Title = "教授", Organisation = University, PublicProfile = true });
        w.Upsert(new ResearchResult { Id = "r-1", Title = "轨道车辆轻量化车体技术", Organisation = University, Experts = ["x-1"] });
        w.Upsert(new ResearchResult { Id = "r-2", Title = "牵引变流器状态监测 <script>alert(1)</script>", Organisation = University });
        w.Upsert(new ResearchResult { Id = "r-3", Title = "仅组织方可见的成果", Organisation = OtherUniversity, Visibility = "organisers" });
        w.Upsert(new ResearchResult { Id = "r-4", Title = "轨道减振降噪材料", Organisation = OtherUniversity });
        w.Upsert(new TechNeed { Id = Need, Title = "城轨车辆车体减重", Organisation = Enterprise });
        w.Commit();
    }

    public TempDataDirectory Data { get; }
    public AccountStore Accounts { get; }
    public NotificationStore Store { get; }
    public EventStore Events { get; }
    public RecordingSink Sink { get; } = new();
    public Notifier Notifier { get; }

    public Account User(string role, string? organisation, string? email = null, string? language = null)
    {
        var name = $"{role}-{Guid.NewGuid().ToString("N")[..8]}";
        var account = new Account { UserName = name, NormalizedUserName = name.ToUpperInvariant(), Role = role, OrganisationId = organisation, Email = email, Language = language };
        Assert.True(Accounts.Create(account));
        return account;
    }

    public IReadOnlyList<Notification> Of(Account user) => Store.For(user.Id, 1, 200).Items;

    public void Dispose() => Data.Dispose();

    /// <summary>Keeps what the notifier hands on for e-mail.</summary>
    public sealed class RecordingSink : INotificationSink
    {
        public List<Notification> Delivered { get; } = [];
        public void Deliver(IReadOnlyList<Notification> notifications) => Delivered.AddRange(notifications);
    }
}

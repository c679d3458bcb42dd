using Matching.Engine.Accounts;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Tests.Providers;

namespace Matching.Engine.Tests.Accounts;

/// <summary>The visibility rule in the list queries (SQL, so counts and pages are the viewer's), on both providers.</summary>
public class ViewerListTests
{
    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void Lists_LeaveOutWhatTheViewerMayNotSee(DatabaseProvider provider)
    {
        using var data = new TempDataDirectory(provider);
        using (var w = data.Store.BeginWrite())
        {
            w.Upsert(new Organisation { Id = "ent-a", Name = "甲企业", Kind = "enterprise" });
            w.Upsert(new Organisation { Id = "ent-b", Name = "乙企业", Kind = "enterprise" });
            w.Upsert(new TechNeed { Id = "n-public", Title = "公开需求", Organisation = "ent-a" });
            w.Upsert(new TechNeed { Id = "n-summary", Title = "摘要需求", Description = "不公开的描述", Organisation = "ent-a", Visibility = "summary" });
            w.Upsert(new TechNeed { Id = "n-secret", Title = "仅组织方需求", Organisation = "ent-a", Visibility = "organisers" });
            w.Upsert(new TechNeed { Id = "n-gone", Title = "已撤回需求", Organisation = "ent-a", Status = RecordStatus.Withdrawn });
            w.Upsert(new Expert { Id = "e-open", Name = "公开专家", Organisation = "ent-b", PublicProfile = true });
            w.Upsert(new Expert { Id = "e-private", Name = "未公开专家", Organisation = "ent-b" });
            w.Commit();
        }
        IReadOnlyList<string> Needs(Viewer? viewer) =>
            data.Store.ListNeeds(new ListQuery { Status = "all", Viewer = viewer, Sort = "id", PageSize = 50 }).Items.Select(n => n.Id).ToList();
        IReadOnlyList<string> Experts(Viewer? viewer) =>
            data.Store.ListExperts(new ListQuery { Status = "all", Viewer = viewer, Sort = "id", PageSize = 50 }).Items.Select(e => e.Id).ToList();

        Assert.Equal(["n-public", "n-summary"], Needs(Viewer.Anonymous));
        Assert.Equal(["n-public", "n-summary"], Needs(new Viewer("key:b", Roles.Enterprise, "ent-b")));
        Assert.Equal(["n-gone", "n-public", "n-secret", "n-summary"], Needs(new Viewer("key:a", Roles.Enterprise, "ent-a")));
        Assert.Equal(["n-gone", "n-public", "n-secret", "n-summary"], Needs(new Viewer("key:o", Roles.Organiser, null)));
        Assert.Equal(["e-open"], Experts(Viewer.Anonymous));
        Assert.Equal(["e-open", "e-private"], Experts(new Viewer("key:b", Roles.University, "ent-b")));
        // And each item is shown as the viewer may see it.
        var summary = data.Store.GetNeed("n-summary")!;
        Assert.Null(Viewer.Anonymous.View(summary)!.Description);
        Assert.Equal("不公开的描述", new Viewer("key:a", Roles.Enterprise, "ent-a").View(summary)!.Description);
        Assert.Equal(1, data.Store.ListNeeds(new ListQuery { Status = "all", Viewer = Viewer.Anonymous, PageSize = 1 }).PageSize);
        Assert.Equal(2, data.Store.ListNeeds(new ListQuery { Status = "all", Viewer = Viewer.Anonymous, PageSize = 1 }).Total);
    }
}

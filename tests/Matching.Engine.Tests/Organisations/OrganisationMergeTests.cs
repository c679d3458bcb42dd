using Lucene.Net.Index;
using Lucene.Net.Search;
using Matching.Engine.Accounts;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Tests.Providers;

namespace Matching.Engine.Tests.Organisations;

public class OrganisationMergeTests : IDisposable
{
    private TempDataDirectory _data = null!;

    public void Dispose() => _data?.Dispose();


    private const string Survivor = "org-merge-a", Duplicate = "org-merge-b";

    private void Seed(DatabaseProvider provider)
    {
        _data = new TempDataDirectory(provider);
        using var w = _data.Store.BeginWrite();
        w.Upsert(new Organisation { Id = Survivor, Name = "西南交通示例大学", Kind = "university", Aliases = ["西南交示例"] });
        w.Upsert(new Organisation { Id = Duplicate, Name = "西南交通示例大學（重复录入）", Kind = "institute", Aliases = ["SWJTU-X", "西南交示例"] });
        w.Upsert(new Organisation { Id = "org-merge-child", Name = "示例轨道研究院", Kind = "institute", Parent = Duplicate });
        w.Upsert(new Organisation { Id = "org-merge-ent", Name = "示例轨道装备公司", Kind = "enterprise" });
        w.Upsert(new ResearchResult { Id = "r-merge-1", Title = "轨道车辆转向架减振技术", Organisation = Duplicate, Experts = ["e-merge-1"] });
        w.Upsert(new ResearchResult { Id = "r-merge-2", Title = "接触网检测机器人", Organisation = Duplicate });
        w.Upsert(new ResearchResult { Id = "r-merge-3", Title = "城轨信号系统仿真平台", Organisation = Survivor });
        w.Upsert(new Expert { Id = "e-merge-1", Name = "张示例", Organisation = Duplicate });
        w.Upsert(new TechNeed { Id = "n-merge-1", Title = "转向架轻量化需求", Organisation = Duplicate });
        w.Commit();
    }

    private long Count(Func<ListQuery, long> list, string organisation) => list(new ListQuery { Organisation = organisation, Status = "all" });

    private (long Results, long Experts, long Needs) Records(string organisation) => (
        Count(q => _data.Store.ListResults(q).Total, organisation),
        Count(q => _data.Store.ListExperts(q).Total, organisation),
        Count(q => _data.Store.ListNeeds(q).Total, organisation));

    private OrganisationMerge Merge(string duplicate = Duplicate, string survivor = Survivor)
    {
        using var writer = _data.Store.BeginWrite();
        var merge = writer.MergeOrganisation(duplicate, survivor);
        writer.Commit();
        return merge;
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void Merge_MovesRecordsMembersAndNames_WithdrawsTheDuplicate_AndTheIndexFollows(DatabaseProvider provider)
    {
        Seed(provider);
        var accounts = new AccountStore(_data.Database);
        Assert.True(accounts.Create(new Account { UserName = "merge-user", NormalizedUserName = "MERGE-USER", Role = Roles.University, OrganisationId = Duplicate }));
        var keys = new ApiKeys(_data.Database);
        keys.Issue("merge key", Roles.University, Duplicate, "tests");
        var maintainer = _data.Maintainer();
        maintainer.CatchUp();
        Assert.Equal((2, 1, 1), Records(Duplicate));
        Assert.Equal((1, 0, 0), Records(Survivor));
        Assert.Equal(Duplicate, _data.Store.ResolveOrganisation("SWJTU-X"));
        var before = _data.Store.LastSeq();

        var merge = Merge();

        Assert.Equal((2, 1, 1, 1, 1, 1), (merge.Results, merge.Experts, merge.Needs, merge.Children, merge.Users, merge.Keys));
        Assert.True(merge.Withdrawn);
        Assert.Equal((0, 0, 0), Records(Duplicate));
        Assert.Equal((3, 1, 1), Records(Survivor));
        // The duplicate's names (not the one they share) are the survivor's aliases, and resolve to it.
        Assert.Equal(["西南交通示例大學（重复录入）", "SWJTU-X"], merge.NewAliases);
        var survivor = _data.Store.GetOrganisation(Survivor)!;
        Assert.Equal(["西南交示例", "西南交通示例大學（重复录入）", "SWJTU-X"], survivor.Aliases);
        Assert.Equal(Survivor, _data.Store.ResolveOrganisation("西南交通示例大學（重复录入）"));
        Assert.Equal(Survivor, _data.Store.ResolveOrganisation("西南交通示例大学（重复录入）")); // folded: simplified spelling too
        Assert.Equal(Survivor, _data.Store.ResolveOrganisation("swjtu-x"));
        Assert.Equal(RecordStatus.Withdrawn, _data.Store.GetOrganisation(Duplicate)!.Status);
        Assert.Equal(Survivor, _data.Store.GetOrganisation("org-merge-child")!.Parent);
        Assert.Equal(Survivor, accounts.FindByNormalizedUserName("MERGE-USER")!.OrganisationId);
        Assert.Single(keys.List(Survivor));
        Assert.Empty(keys.List(Duplicate));

        // Every moved record is in the change log, so the index re-reads it with its new organisation.
        var changed = _data.Store.ChangesAfter(before, 1000).Select(c => (c.Entity, c.EntityId)).ToHashSet();
        Assert.Superset(new HashSet<(string, string)> { ("result", "r-merge-1"), ("result", "r-merge-2"), ("expert", "e-merge-1"), ("need", "n-merge-1") }, changed);
        maintainer.CatchUp();
        Assert.Equal(0, InIndex(RecordKind.Result, Duplicate));
        Assert.Equal(3, InIndex(RecordKind.Result, Survivor));
        Assert.Equal(1, InIndex(RecordKind.Expert, Survivor));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void MergingAgain_FindsNothingToMove_AndWritesNothing(DatabaseProvider provider)
    {
        Seed(provider);
        Assert.True(Merge().Changed);
        var seq = _data.Store.LastSeq();
        var aliases = _data.Store.GetOrganisation(Survivor)!.Aliases;

        var again = Merge();

        Assert.False(again.Changed);
        Assert.Equal(seq, _data.Store.LastSeq());
        Assert.Equal(aliases, _data.Store.GetOrganisation(Survivor)!.Aliases);
        Assert.Equal((3, 1, 1), Records(Survivor));
        Assert.Equal(Survivor, _data.Store.ResolveOrganisation("SWJTU-X"));
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void ADuplicateNamedOnlyWithTheSurvivorsNames_StillHandsThemOver(DatabaseProvider provider)
    {
        Seed(provider);
        using (var w = _data.Store.BeginWrite())
        {
            // Written last, it takes the shared alias in the name index.
            w.Upsert(new Organisation { Id = "org-merge-c", Name = "西南交示例", Kind = "university" });
            w.Commit();
        }
        Assert.Equal("org-merge-c", _data.Store.ResolveOrganisation("西南交示例"));

        var merge = Merge("org-merge-c", Survivor);

        Assert.Empty(merge.NewAliases);
        Assert.Equal(Survivor, _data.Store.ResolveOrganisation("西南交示例"));
        Assert.False(Merge("org-merge-c", Survivor).Changed);
    }

    [Theory]
    [MemberData(nameof(StorageProviderTests.Providers), MemberType = typeof(StorageProviderTests))]
    public void AMergeThatBreaksARule_IsRefused_AndChangesNothing(DatabaseProvider provider)
    {
        Seed(provider);
        var accounts = new AccountStore(_data.Database);
        Assert.True(accounts.Create(new Account { UserName = "ent-user", NormalizedUserName = "ENT-USER", Role = Roles.Enterprise, OrganisationId = "org-merge-ent" }));
        var seq = _data.Store.LastSeq();

        Assert.Throws<MergeRefusedException>(() => Merge(Survivor, Survivor));
        Assert.Throws<MergeRefusedException>(() => Merge("org-nobody", Survivor));
        // An enterprise's members cannot become a university's.
        var kinds = Assert.Throws<MergeRefusedException>(() => Merge("org-merge-ent", Survivor));
        Assert.Equal(MergeRefusal.KindsDiffer, kinds.Refusal);
        Merge();
        // Into a withdrawn organisation: no.
        Assert.Equal(MergeRefusal.SurvivorNotActive, Assert.Throws<MergeRefusedException>(() => Merge("org-merge-child", Duplicate)).Refusal);

        Assert.Equal(RecordStatus.Active, _data.Store.GetOrganisation("org-merge-ent")!.Status);
        Assert.Equal("org-merge-ent", accounts.FindByNormalizedUserName("ENT-USER")!.OrganisationId);
        Assert.True(_data.Store.LastSeq() > seq); // only the one merge that was allowed wrote
        Assert.Equal("org-merge-ent", _data.Store.ResolveOrganisation("示例轨道装备公司"));
    }

    private int InIndex(RecordKind kind, string organisation)
    {
        using var lease = _data.Indexes![kind].Acquire();
        return lease.Searcher.Search(new TermQuery(new Term(IndexDocuments.Organisation, organisation)), 100).TotalHits;
    }
}

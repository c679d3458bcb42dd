using Matching.Engine.Hosting;
using Matching.Engine.Index;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Text;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// The match job's lists over the demo workspace: a full pass stores what a request would compute, a second run
/// changes nothing, an edit moves only the lists it can affect, and a new model's lists serve only once complete.
/// </summary>
[Collection(ScoringCollection.Name)]
public class MatchMaintainerTests(ScoringFixture f)
{
    [Fact]
    public void TheJobsLists_AreWhatARequestComputes_AndFollowEditsAndNewModels()
    {
        var models = new ModelHost(new MatchingAnalyzer());
        models.Swap(f.A);
        var store = new MatchStore(f.Workspace.Store.Database);
        var indexHost = new IndexHost(f.Workspace.Indexes, new MatchingAnalyzer());
        var lists = new MatchLists(f.Workspace.Store, f.Retriever, models, f.Scorer, store);
        var live = new MatchLists(f.Workspace.Store, f.Retriever, models, f.Scorer);
        var maintainer = new MatchMaintainer(f.Workspace.Store, store, lists, f.Retriever, indexHost, f.Workspace.Vectors, models);
        using var vectorJob = new VectorMaintainer(f.Workspace.Store, f.Workspace.Vectors, models);
        vectorJob.CatchUp();
        new IndexMaintainer(f.Workspace.Store, f.Workspace.Indexes).CatchUp();

        // Full pass: every open need, each list what the request path computes.
        Assert.Null(lists.ServingVersion);
        Assert.True(maintainer.Behind());
        var open = f.Workspace.Store.ActiveIds(RecordKind.Need).Count;
        var pass = maintainer.CatchUp();
        Assert.Equal(("full", "A"), (pass.Mode, pass.Model));
        Assert.InRange(pass.Needs, open - 10, open); // a few demo needs may be past their deadline
        Assert.Equal("A", lists.ServingVersion);
        Assert.False(maintainer.Behind());
        foreach (var q in f.Training.Take(8))
        {
            var served = lists.ForNeed(q.QueryId, 20)!;
            var computed = live.ForNeed(q.QueryId, 20)!;
            Assert.Equal(Signature(computed), Signature(served));
            Assert.Equal(computed.Experts.Select(e => e.BestResult?.ResultId), served.Experts.Select(e => e.BestResult?.ResultId));
            // The snippets come stored with the lists, highlighted as the request path would.
            Assert.Equal(computed.Results.Concat(computed.Experts).Select(m => string.Join("|", m.Snippets.Select(x => x.Html))),
                served.Results.Concat(served.Experts).Select(m => string.Join("|", m.Snippets.Select(x => x.Html))));
            Assert.All(store.Get("A", q.QueryId)!.Results.Take(MatchLists.SnippetDepth), m => Assert.NotNull(m.Snippets));
        }
        var rows = store.Count("A");

        // Run again: nothing to do, nothing changed.
        Assert.Equal("current", maintainer.CatchUp().Mode);
        Assert.Equal(rows, store.Count("A"));

        // A new result written for one need's words enters that need's list; only needs it can affect are redone.
        var need = f.Workspace.Store.GetNeed(f.Training[3].QueryId)!;
        var probe = new ResearchResult
        {
            Id = "R-MATCH-PROBE", Title = need.Title, Abstract = need.Description, Keywords = need.Keywords, Industries = need.Industries,
            Maturity = need.Maturity, Cooperation = need.Cooperation, Language = "zh",
        };
        Write(w => w.Upsert(probe));
        Assert.False(maintainer.Behind()); // the index and the vectors have not caught up yet: the lists wait for them
        new IndexMaintainer(f.Workspace.Store, f.Workspace.Indexes).CatchUp();
        vectorJob.CatchUp();
        Assert.True(maintainer.Behind());
        var edit = maintainer.CatchUp();
        Assert.Equal("incremental", edit.Mode);
        Assert.InRange(edit.Needs, 1, open - 1);
        Assert.Contains("R-MATCH-PROBE", store.Get("A", need.Id)!.Results.Take(5).Select(m => m.CandidateId));
        Assert.Equal(Signature(live.ForNeed(need.Id, 20)!), Signature(lists.ForNeed(need.Id, 20)!));

        // Withdrawn, it leaves every list.
        Write(w => w.SetStatus(RecordKind.Result, probe.Id, RecordStatus.Withdrawn));
        new IndexMaintainer(f.Workspace.Store, f.Workspace.Indexes).CatchUp();
        vectorJob.CatchUp();
        maintainer.CatchUp();
        Assert.Empty(store.NeedsListing("A", [probe.Id]));

        // A new model: the old lists serve until its own pass completes, then its lists, tagged with its version.
        models.Swap(f.B);
        vectorJob.CatchUp();
        Assert.Equal("A", lists.ServingVersion);
        Assert.All(lists.ForNeed(need.Id, 10)!.Results, m => Assert.Equal("A", m.Model));
        Assert.Equal("full", maintainer.CatchUp().Mode);
        Assert.Equal("B", lists.ServingVersion);
        Assert.All(lists.ForNeed(need.Id, 10)!.Results, m => Assert.Equal("B", m.Model));

        // Forced to run its full pass again, the job stores the same lists.
        var before = Snapshot(store, "B", f.Training.Select(q => q.QueryId).Take(10));
        store.StartPass("B", store.Version("B")!.PassSeq);
        Assert.Equal("A", store.Serving("B")); // while B's pass runs again, the last complete version serves
        Assert.Equal("full", maintainer.CatchUp().Mode);
        Assert.Equal(before, Snapshot(store, "B", f.Training.Select(q => q.QueryId).Take(10)));

        // Old versions are pruned, keeping the active one and the last two complete.
        Assert.Empty(store.Prune("B"));
        models.Swap(f.A);
        Assert.Equal(["A", "B"], store.Versions().Select(v => v.Model).Order());
    }

    private void Write(Action<Matching.Engine.Storage.RecordWriter> action)
    {
        using var writer = f.Workspace.Store.BeginWrite();
        action(writer);
        writer.Commit();
    }

    private static string Signature(NeedMatches m) =>
        string.Join(";", m.Results.Select(r => $"{r.Id}:{r.Score:F6}")) + "|" + string.Join(";", m.Experts.Select(e => $"{e.Id}:{e.Score:F6}"));

    private static string Snapshot(MatchStore store, string model, IEnumerable<string> needs) =>
        string.Join("\n", needs.Select(id => store.Get(model, id) is { } l
            ? id + "=" + string.Join(",", l.Results.Concat(l.Experts).Select(m => $"{m.CandidateId}:{m.Score:F6}:{m.BestResultId}"))
            : id + "=none"));
}

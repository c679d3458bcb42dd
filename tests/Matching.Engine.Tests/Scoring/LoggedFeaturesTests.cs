using Matching.Engine.Evaluation;
using Matching.Engine.Events;
using Matching.Engine.Features;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// The feature vector a pair was scored with travels with what is made of the score (a meeting, then the outcome's
/// judgement), so training learns from what was shown, whatever the records say later.
/// </summary>
public class LoggedFeaturesTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>The demo with the shipped model serving (lists computed per request) and the demo event planned from its lists.</summary>
    private (ModelHost Models, MatchLists Lists, EventStore Events, MatchScorer Scorer) PlanTheDemoEvent()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var models = new ModelHost(TempDataDirectory.Analyzer);
        Assert.NotNull(models.LoadFirst([ShippedModel.Folder]));
        var queries = new Engine.Candidates.QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var scorer = new MatchScorer(new FeatureExtractor(_data.Indexes!, _data.Store, queries, TaxonomyFiles.DefaultTaxonomy()), new RecordVectors(_data.Database), _data.Store, _data.Retriever());
        var events = new EventStore(_data.Database);
        var lists = new MatchLists(_data.Store, _data.Retriever(), models, scorer);
        Assert.True(DemoEvent.SeedIfMissing(events, new EventPlanner(_data.Store, events, lists)));
        return (models, lists, events, scorer);
    }

    [Fact]
    public void AnOutcome_TrainsOnTheVectorItsMeetingWasPlannedWith_AfterTheResultIsRewritten()
    {
        var (_, _, events, _) = PlanTheDemoEvent();

        // Every scored meeting keeps its model version and the vector its score came from.
        var meetings = events.Meetings(DemoEvent.Id);
        Assert.All(meetings.Where(m => m.NeedId is not null), m => Assert.Equal(ShippedModel.Version, m.Model));
        var meeting = meetings.First(m => m.NeedId is not null && m.OfferKind == EventParticipant.Result && m.Features is not null);
        Assert.Equal(FeatureSchema.Count, meeting.Features!.Length);

        Assert.Equal(1, events.RecordOutcomes(DemoEvent.Id, [new MeetingOutcome(meeting.Enterprise, meeting.OfferKind, meeting.OfferId, true, "signed")]).Judgements);
        var judgement = Assert.Single(_data.Store.Judgements("event:" + DemoEvent.Id));
        Assert.Equal(ShippedModel.Version, judgement.Model);
        Assert.Equal(meeting.Features, judgement.Features);

        // Weeks later the university rewrites the result: recomputed, the pair would look different.
        var result = _data.Store.GetResult(meeting.OfferId)!;
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(result with { Title = "玉米秸秆青贮饲料发酵工艺", Abstract = "以乳酸菌复合菌剂提高秸秆青贮的有氧稳定性，降低霉变损失。", Keywords = ["青贮", "秸秆"] });
            writer.Commit();
        }
        var encoders = new EncoderSettings(ChineseModel: null);
        var topics = new TopicHyperParameters { Topics = 8, Iterations = 50 };
        using var workspace = RecordsWorkspace.FromDatabase(_data.Database, _data.Path, TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms(), topics, encoders);
        var taxonomy = TaxonomyFiles.DefaultTaxonomy();
        var trained = workspace.Candidates(_data.Store.Judgements(), taxonomy, MatchScorer.K, RecordKind.Result).Single(q => q.QueryId == meeting.NeedId);
        var row = trained.Features[trained.Candidates.ToList().FindIndex(c => c.Id == meeting.OfferId)];
        Assert.Equal(meeting.Features, row);
        Assert.Equal(1, workspace.LoggedRows);

        // Without the logged vector the same judgement would train on the rewritten record.
        var bare = _data.Store.Judgements().Select(j => new Judgement(j.NeedId, j.CandidateId, j.Grade, j.Source)).ToList();
        var recomputed = workspace.Candidates(bare, taxonomy, MatchScorer.K, RecordKind.Result).Single(q => q.QueryId == meeting.NeedId);
        var index = recomputed.Candidates.ToList().FindIndex(c => c.Id == meeting.OfferId);
        Assert.True(index < 0 || !recomputed.Features[index].SequenceEqual(meeting.Features), "the rewritten result's row is the logged one");
    }

    [Fact]
    public void AThumbOnAStoredList_CarriesTheVectorTheListShowed_AndOneOffTheListCarriesNone()
    {
        var (models, _, _, scorer) = PlanTheDemoEvent();
        var stored = new MatchStore(_data.Database);
        var lists = new MatchLists(_data.Store, _data.Retriever(), models, scorer, stored);
        var need = _data.Store.GetNeed("n-display-01")!;
        var computed = lists.Compute(models.Current!, need);
        stored.StartPass(ShippedModel.Version, _data.Store.LastSeq());
        stored.Put(_data.Store.LastSeq(), [computed]);
        stored.CompletePass(ShippedModel.Version);

        // The stored entry reads back with its vector, and the thumb on it carries that vector and the version.
        var entry = computed.Results[0];
        Assert.Equal(entry.Features, stored.Get(ShippedModel.Version, need.Id)!.Results[0].Features);
        var thumb = lists.Feedback(need.Id, entry.CandidateId, 2);
        Assert.Equal((ShippedModel.Version, "feedback", 2), (thumb.Model, thumb.Source, thumb.Grade));
        Assert.Equal(entry.Features, thumb.Features);
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(thumb);
            writer.Commit();
        }
        Assert.Equal(entry.Features, _data.Store.Judgements("feedback").Single().Features);

        // A pair the stored list does not hold: nothing was shown, so nothing is logged.
        var elsewhere = lists.Feedback(need.Id, "r-agri-01", 0);
        Assert.Null(elsewhere.Features);
        Assert.Null(elsewhere.Model);
    }

    [Fact]
    public void APlannedEvent_KeepsItsScoresAndTheirVersion_WhenANewerModelIsPromoted_WhileListsMoveToIt()
    {
        var (models, lists, events, _) = PlanTheDemoEvent();
        events.SetStatus(DemoEvent.Id, EventStatus.Published);
        var planned = events.Meetings(DemoEvent.Id).ToDictionary(m => (m.Enterprise, m.OfferKind, m.OfferId), m => (m.Score, m.Model));

        // A newer version goes live (the same files under another name: what matters is which version scored what).
        var newer = Path.Combine(_data.Path, "model-next");
        Directory.CreateDirectory(newer);
        foreach (var file in Directory.GetFiles(ShippedModel.Folder)) File.Copy(file, Path.Combine(newer, Path.GetFileName(file)));
        var manifest = Path.Combine(newer, ModelBundle.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"version\": \"{ShippedModel.Version}\"", "\"version\": \"v-next\""));
        Assert.Equal("v-next", models.LoadFirst([newer])!.Version);

        var need = events.Meetings(DemoEvent.Id).First(m => m.NeedId is not null).NeedId!;
        Assert.All(lists.ForNeed(need, minScore: 0)!.Results, item => Assert.Equal("v-next", item.Model));
        var kept = events.Meetings(DemoEvent.Id);
        Assert.Equal(planned.Count, kept.Count);
        Assert.All(kept, m => Assert.Equal(planned[(m.Enterprise, m.OfferKind, m.OfferId)], (m.Score, m.Model)));
        // Each agenda line says which version its score is from.
        Assert.All(new EventAgendas(_data.Store, events).Entries(DemoEvent.Id).Where(e => planned[(e.EnterpriseId, e.OfferKind, e.OfferId)].Model is not null),
            e => Assert.Equal(ShippedModel.Version, e.Model));
    }
}

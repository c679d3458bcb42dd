using Lucene.Net.Index;
using Lucene.Net.Search;
using Matching.Engine.Index;
using Matching.Engine.Records;

namespace Matching.Engine.Tests.Index;

public class IndexMaintainerTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static SortedSet<string> IdsIn(RecordIndex index)
    {
        using var lease = index.Acquire();
        var searcher = lease.Searcher;
        var top = searcher.Search(new MatchAllDocsQuery(), Math.Max(1, searcher.IndexReader.MaxDoc));
        return new SortedSet<string>(top.ScoreDocs.Select(d => searcher.Doc(d.Doc).Get(RecordIndex.IdField)));
    }

    private SortedSet<string> ActiveInDatabase(RecordKind kind) => new(_data.Store.ActiveIds(kind));

    [Fact]
    public void ASegmentWithFlippedBytes_IsDetectedAtOpen_MovedAside_AndTheRebuildMatchesTheDatabase()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        _data.CloseIndexes();
        var results = IndexSet.PathOf(_data.IndexRoot, RecordKind.Result);
        var segment = Directory.GetFiles(results).Where(f => Path.GetExtension(f) is ".cfs" or ".fdt" or ".tim").OrderByDescending(f => new FileInfo(f).Length).First();
        using (var stream = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            var rng = new Random(3);
            for (var i = 0; i < 64; i++)
            {
                stream.Position = rng.NextInt64(64, stream.Length - 16);
                var b = stream.ReadByte();
                stream.Position--;
                stream.WriteByte((byte)~b);
            }
        }

        var messages = new List<string>();
        using var indexes = IndexSet.OpenWriters(_data.IndexRoot, TempDataDirectory.Analyzer, messages.Add);
        Assert.Contains(messages, m => m.Contains("failed CheckIndex", StringComparison.Ordinal));
        Assert.Single(Directory.GetDirectories(_data.IndexRoot, "results.corrupt-*"));
        Assert.Equal(0, indexes[RecordKind.Result].AppliedSeq);
        var maintainer = new IndexMaintainer(_data.Store, indexes);
        maintainer.Rebuild();
        Assert.True(RecordIndex.Check(results, out _));
        var check = maintainer.Verify(repair: false);
        Assert.True(check.Clean, check.ToString());
        Assert.Equal(ActiveInDatabase(RecordKind.Result), IdsIn(indexes[RecordKind.Result]));
    }

    [Fact]
    public void TheConsistencyCheck_FindsAndRepairsMissingExtraAndStaleDocuments()
    {
        _data.SeedDemo();
        var maintainer = _data.Maintainer();
        maintainer.CatchUp();
        var index = _data.Indexes![RecordKind.Result];
        index.Delete("r-display-01");
        index.Upsert("r-ghost", new Lucene.Net.Documents.Document { new Lucene.Net.Documents.StringField(RecordIndex.IdField, "r-ghost", Lucene.Net.Documents.Field.Store.YES) });
        index.Commit(index.AppliedSeq);
        var found = maintainer.Verify(repair: true);
        Assert.Equal((1, 1, 0), (found.Missing, found.Extra, found.Duplicates));
        Assert.True(maintainer.Verify(repair: false).Clean);
        Assert.Equal(ActiveInDatabase(RecordKind.Result), IdsIn(index));
    }

    [Fact]
    public void Rebuild_GivesAnIndexEqualToTheDatabase()
    {
        _data.SeedDemo();
        var maintainer = _data.Maintainer();
        maintainer.CatchUp();
        using (var w = _data.Store.BeginWrite())
        {
            w.SetStatus(RecordKind.Result, "r-display-01", RecordStatus.Withdrawn);
            w.Commit();
        }
        maintainer.Rebuild();

        Assert.Equal(ActiveInDatabase(RecordKind.Result), IdsIn(_data.Indexes![RecordKind.Result]));
        Assert.Equal(ActiveInDatabase(RecordKind.Expert), IdsIn(_data.Indexes[RecordKind.Expert]));
        var openNeeds = _data.Store.GetNeeds(_data.Store.ActiveIds(RecordKind.Need)).Where(n => n.IsOpen(DateOnly.FromDateTime(DateTime.Today))).Select(n => n.Id);
        Assert.Equal(new SortedSet<string>(openNeeds), IdsIn(_data.Indexes[RecordKind.Need]));
        Assert.DoesNotContain("r-display-01", IdsIn(_data.Indexes[RecordKind.Result]));
        Assert.Equal(_data.Store.LastSeq(), _data.Indexes.AppliedSeq);
    }

    [Fact]
    public void CatchUp_AppliesUpdatesAndWithdrawals_AndIsHarmlessToRepeat()
    {
        _data.Importer.Import([(_data.File("results.jsonl", """
            {"id":"r1","title":"轨道车辆转向架疲劳监测"}
            {"id":"r2","title":"冷链物流温度追溯"}
            """), RecordKind.Result)]);
        var maintainer = _data.Maintainer();
        Assert.Equal(2, maintainer.CatchUp());
        Assert.Equal(0, maintainer.CatchUp());

        _data.Importer.Import([(_data.File("results2.jsonl", """{"id":"r1","title":"轨道车辆轮对激光测量"}"""), RecordKind.Result)]);
        using (var w = _data.Store.BeginWrite()) { w.SetStatus(RecordKind.Result, "r2", RecordStatus.Withdrawn); w.Commit(); }
        maintainer.CatchUp();

        Assert.Equal(new SortedSet<string> { "r1" }, IdsIn(_data.Indexes![RecordKind.Result]));
        var hits = _data.Retriever().Search("轮对激光", RecordKind.Result, 5);
        Assert.Equal("r1", Assert.Single(hits).Id);
        Assert.Empty(_data.Retriever().Search("转向架疲劳", RecordKind.Result, 5));
    }

    [Fact]
    public void AppliedSequence_SurvivesReopening()
    {
        _data.Importer.Import([(_data.File("results.jsonl", """{"id":"r1","title":"再生稻栽培"}"""), RecordKind.Result)]);
        _data.Maintainer().CatchUp();
        var seq = _data.Indexes!.AppliedSeq;
        _data.CloseIndexes();
        Assert.Equal(seq, _data.OpenIndexes().AppliedSeq);
        Assert.True(seq > 0);
    }

    [Fact]
    public void ExpertDocuments_IncludeTheResultsTheyAreOn()
    {
        _data.Importer.Import([
            (_data.File("experts.jsonl", """{"id":"e1","name":"王磊","areas":["轨道交通"],"bio":"从事车辆动力学研究"}"""), RecordKind.Expert),
            (_data.File("results.jsonl", """{"id":"r1","title":"受电弓滑板磨耗图像检测","experts":["e1"]}"""), RecordKind.Result),
        ]);
        _data.Maintainer().CatchUp();
        Assert.Equal("e1", Assert.Single(_data.Retriever().Search("受电弓滑板", RecordKind.Expert, 5)).Id);
    }

    [Fact]
    public void OpenWriters_SaysWhoHoldsTheIndex_WhenAnotherWriterHasIt()
    {
        using var first = IndexSet.OpenWriters(_data.IndexRoot, TempDataDirectory.Analyzer);
        var e = Assert.Throws<IndexLockedException>(() => IndexSet.OpenWriters(_data.IndexRoot, TempDataDirectory.Analyzer));
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
        Assert.Contains("held by", e.Message);
    }

    [Fact]
    public void OpenWriters_MovesACorruptIndexAside_AndTheCatchUpRebuildsIt()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        _data.CloseIndexes();
        var path = IndexSet.PathOf(_data.IndexRoot, RecordKind.Result);
        foreach (var file in Directory.GetFiles(path).Where(f => Path.GetFileName(f).EndsWith(".cfs") || Path.GetFileName(f).EndsWith(".fdt")))
        {
            var bytes = File.ReadAllBytes(file);
            for (var i = bytes.Length / 3; i < bytes.Length * 2 / 3; i++) bytes[i] ^= 0x5A;
            File.WriteAllBytes(file, bytes);
        }

        var messages = new List<string>();
        _data.CloseIndexes();
        using var reopened = IndexSet.OpenWriters(_data.IndexRoot, TempDataDirectory.Analyzer, messages.Add);
        Assert.Contains(messages, m => m.Contains("failed CheckIndex"));
        Assert.Equal(0, reopened[RecordKind.Result].AppliedSeq);
        new IndexMaintainer(_data.Store, reopened).CatchUp();
        Assert.Equal(ActiveInDatabase(RecordKind.Result), IdsIn(reopened[RecordKind.Result]));
    }
}

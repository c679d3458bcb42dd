using Lucene.Net.Index;
using Matching.Engine.Index;
using Matching.Engine.Records;

namespace Matching.Engine.Tests.Index;

public class SegmentIdsTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private void Write(params ResearchResult[] results)
    {
        using (var writer = _data.Store.BeginWrite())
        {
            foreach (var r in results) writer.Upsert(r);
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
    }

    [Fact]
    public void Locate_FindsTheLiveCopy_AcrossSegmentsUpdatesAndWithdrawals()
    {
        Write(new ResearchResult { Id = "r1", Title = "柔性OLED封装" }, new ResearchResult { Id = "r2", Title = "锂电池隔膜" });
        Write(new ResearchResult { Id = "r3", Title = "工业机器人减速器" });
        // r1 updated twice: its older copies stay in the segments as deleted documents.
        Write(new ResearchResult { Id = "r1", Title = "柔性OLED薄膜封装" });
        Write(new ResearchResult { Id = "r1", Title = "柔性OLED薄膜封装工艺" }, new ResearchResult { Id = "r2", Title = "锂电池隔膜", Status = RecordStatus.Withdrawn });

        using var lease = _data.Indexes![RecordKind.Result].Acquire();
        var reader = lease.Searcher.IndexReader;
        Assert.True(reader.Leaves.Count > 1, "the test needs several segments");
        var found = SegmentIds.Locate(reader, ["r1", "r2", "r3", "missing"]);

        Assert.Equal(["r1", "r3"], found.Keys.Order());
        var live = MultiFields.GetLiveDocs(reader);
        foreach (var (id, doc) in found)
        {
            Assert.True(live is null || live.Get(doc));
            Assert.Equal(id, reader.Document(doc).Get(RecordIndex.IdField));
        }
        Assert.Equal("柔性OLED薄膜封装工艺", reader.Document(found["r1"]).Get(IndexDocuments.Title));
    }
}

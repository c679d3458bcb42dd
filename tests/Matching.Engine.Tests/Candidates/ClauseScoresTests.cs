using Lucene.Net.Search;
using Matching.Engine.Candidates;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Taxonomy;

namespace Matching.Engine.Tests.Candidates;

public class ClauseScoresTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void ClauseScores_AddUpToTheSearchScore_AndAreZeroExactlyWhereTheTermIsMissing()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var need = _data.Store.GetNeeds(_data.Store.ActiveIds(RecordKind.Need).Take(3).ToList());
        using var lease = _data.Indexes![RecordKind.Result].Acquire();
        var searcher = lease.Searcher;
        foreach (var n in need)
        {
            var query = new TermsQuery(queries.NeedTerms(n), IndexDocuments.SearchFields);
            var hits = searcher.Search(query.ToLucene(), 50).ScoreDocs;
            Assert.NotEmpty(hits);
            var scores = ClauseScores.Of(searcher, query, hits.Select(h => h.Doc));
            foreach (var hit in hits) Assert.Equal(hit.Score, scores[hit.Doc].Sum(), hit.Score * 1e-5f);
            foreach (var hit in hits.Take(10))
            {
                var clauses = scores[hit.Doc];
                var document = searcher.Doc(hit.Doc);
                for (var i = 0; i < clauses.Length; i++)
                {
                    var c = query.Clauses[i];
                    var present = searcher.Search(new TermQuery(new Lucene.Net.Index.Term(c.Field, c.Term)),
                        new QueryWrapperFilter(new TermQuery(new Lucene.Net.Index.Term(RecordIndex.IdField, document.Get(RecordIndex.IdField)))), 1).TotalHits > 0;
                    Assert.Equal(present, clauses[i] > 0);
                }
            }
        }
    }
}

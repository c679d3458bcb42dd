using Lucene.Net.Search;
using Matching.Engine.Candidates;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Taxonomy;

namespace Matching.Engine.Tests.Candidates;

public class CommonTermPruningTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void TermsInMostDocuments_LeaveTheCandidateQuery_OnLargeIndexesOnly()
    {
        using (var writer = _data.Store.BeginWrite())
        {
            for (var i = 0; i < 20; i++)
                writer.Upsert(new ResearchResult { Id = $"r{i}", Title = i < 2 ? "柔性OLED封装技术" : $"智能制造技术方案{i}" });
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
        var query = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms()).ForText("OLED 技术");
        using var lease = _data.Indexes![RecordKind.Result].Acquire();

        var pruned = (BooleanQuery)CandidateRetriever.WithoutCommonTerms(query, lease.Searcher.IndexReader, 0.3, fromDocuments: 10);
        var kept = pruned.Clauses.Select(c => ((TermQuery)c.Query).Term).ToList();
        Assert.Contains(kept, t => t.Text == "oled");
        Assert.DoesNotContain(kept, t => t.Text == "技术");
        // A common term leaves with all its fields, though its title and keyword postings alone are short.
        Assert.Equal(IndexDocuments.SearchFields.Count, kept.Count(t => t.Text == "oled"));

        Assert.Same(query, CandidateRetriever.WithoutCommonTerms(query, lease.Searcher.IndexReader, 0.3, fromDocuments: 1000));
    }
}

using Lucene.Net.Index;
using Lucene.Net.Search;
using Matching.Engine.Candidates;
using Matching.Engine.Index;

namespace Matching.Engine.Tests.Candidates;

/// <summary>Snippets mark only words that carry weight and are cut where a reader would pause.</summary>
public class SnippetTests
{
    private const string Body =
        "本成果研制的无色聚酰亚胺薄膜透光率≥90%，黄度指数≤2.0，可耐受20万次R1.5mm弯折。通过引入含氟二酐与脂环结构，" +
        "薄膜在85℃/85%RH老化1000小时后黄变小于1.5；涂层后表面硬度达到6H。已完成中试，年产能约50万平方米，可提供样品与技术许可。" +
        "后续将开展与面板厂的联合验证，问题导向地解决折痕与回弹。";

    [Fact]
    public void Passages_AreWholeClauses_NeverCutInsideANumber_NorStartWithPunctuation()
    {
        var passages = SnippetBuilder.Passages(Body, 40);
        Assert.True(passages.Count >= 3, string.Join(" | ", passages));
        Assert.Equal(Body, string.Concat(passages));
        Assert.All(passages, p => Assert.False(char.IsPunctuation(p[0]) || char.IsSymbol(p[0]), $"starts with punctuation: {p}"));
        static bool InNumber(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '%' or '≥' or '≤';
        for (var i = 1; i < passages.Count; i++)
            Assert.False(InNumber(passages[i - 1][^1]) && InNumber(passages[i][0]), $"cut inside a number: {passages[i - 1]} | {passages[i]}");
        Assert.Contains(passages, p => p.Contains("透光率≥90%，"));
        // A very long clause without any break is cut, but not between a number and its unit.
        var run = new string('薄', 100) + "厚度12.5μm" + new string('膜', 100);
        Assert.All(SnippetBuilder.Passages(run, 40), p => Assert.False(p.EndsWith("12") || p.StartsWith(".5")));
    }

    [Fact]
    public void ASnippet_MarksTheRareWordsOfTheQuery_NotSingleCharactersStopWordsOrCommonTerms()
    {
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, Matching.Engine.Taxonomy.TaxonomyFiles.DefaultSynonyms());
        var query = (BooleanQuery)queries.ForText("透光率 黄度指数 后续 约 m 问题 通过 薄膜 弯折");
        var all = query.Clauses.Select(c => ((TermQuery)c.Query).Term.Text).Distinct().ToList();
        Assert.Contains("问题", all);
        Assert.Contains(all, t => t.Length == 1);
        // "薄膜" is in 60% of the records: too common to carry weight.
        var kept = (BooleanQuery)CandidateRetriever.HighlightedTerms(query, term => term == "薄膜" ? 0.6 : 0.01);
        var terms = kept.Clauses.Select(c => ((TermQuery)c.Query).Term.Text).Distinct().ToList();
        Assert.NotEmpty(terms);
        Assert.All(terms, t => Assert.True(t.Length >= 2 && !CandidateRetriever.SnippetStopWords.Contains(t) && t != "薄膜", t));
        Assert.Contains("透光", terms);
        Assert.DoesNotContain("后续", terms);

        var snippet = new SnippetBuilder(TempDataDirectory.Analyzer).Build(kept, IndexDocuments.Body, Body, 2);
        var marked = snippet.SelectMany(s => s.Spans).Where(s => s.Hit).Select(s => s.Text).Distinct().ToList();
        Assert.NotEmpty(marked);
        Assert.All(marked, m => Assert.True(m.Length >= 2 && m != "问题" && m != "通过" && m != "薄膜", m));
        Assert.All(snippet, s => Assert.False(char.IsPunctuation(s.Spans[0].Text[0]), s.Html));
    }
}

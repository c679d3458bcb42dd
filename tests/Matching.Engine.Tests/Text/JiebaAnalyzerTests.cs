using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Matching.Engine.Candidates;
using Matching.Engine.Text;

namespace Matching.Engine.Tests.Text;

/// <summary>
/// Golden tokens of the jieba chain on sentences from needs and results. The expectations are a reader's
/// segmentation: each word, then (search mode) the shorter dictionary words inside it, less the stop words.
/// </summary>
public class JiebaAnalyzerTests
{
    private static readonly MatchingAnalyzer Analyzer = new(Segmentation.Jieba);

    // "盖板用久发黄、折痕明显" is left out: a reader cuts 用久 as 用 + 久 (used long), jieba's HMM joins them.
    [Theory]
    [InlineData("无色聚酰亚胺薄膜的耐黄变与耐弯折", "无色|聚酰亚胺|酰亚胺|亚胺|薄膜|耐|黄变|耐|弯折")]
    [InlineData("基于钙钛矿的柔性太阳能电池", "基于|钙钛矿|柔性|太阳能|太阳|电池")]
    [InlineData("锂离子电池正极材料", "锂离子|离子|电池|正极|材料")]
    [InlineData("AMOLED面板的LTPS背板工艺", "amoled|面板|ltps|背板|工艺")]
    [InlineData("采用GPU加速的LLM推理服务，支持RAG检索增强。", "采用|gpu|加速|llm|推理|服务|支持|rag|检索|增强")]
    public void Terms_MatchGoldenTokens(string sentence, string expected) =>
        Assert.Equal(expected.Split('|'), Analyzer.Terms(sentence));

    [Theory]
    [InlineData("面向新型显示的驱动芯片设计", "面向|新型显示|新型|显示|驱动芯片|驱动|芯片|设计")]
    [InlineData("抗体偶联药物的研发", "抗体偶联药物|抗体|偶联|药物|研发")]
    [InlineData("人工智能与超算", "人工智能|人工|智能|超算")]
    public void Terms_KeepTheTaxonomysAndSynonymsWordsWhole(string sentence, string expected) =>
        Assert.Equal(expected.Split('|'), Analyzer.Terms(sentence));

    [Fact]
    public void EveryUserWord_IsOneToken_ByItself() =>
        Assert.All(JiebaSegmenters.Terms(), word => Assert.Equal(word, Analyzer.Terms(word)[0]));

    [Fact]
    public void Offsets_PointAtTheTokensCharacters_InTheFoldedText()
    {
        const string text = "ＡＭＯＬＥＤ面板的鋰離子電池";
        var folded = TextFolding.Fold(text);
        var tokens = Tokens(text);
        Assert.Equal(["amoled", "面板", "锂离子", "离子", "电池"], tokens.Select(t => t.Term));
        Assert.All(tokens, t => Assert.Equal(t.Term, folded[t.Start..t.End].ToLowerInvariant()));
        Assert.Equal((9, 12), (tokens[2].Start, tokens[2].End));
        Assert.Equal("鋰離子", text[tokens[2].Start..tokens[2].End]);
        Assert.Equal((10, 12), (tokens[3].Start, tokens[3].End));
    }

    [Fact]
    public void ShorterWords_StackOnTheirWord_AndComeInOffsetOrder()
    {
        var tokens = Tokens("无色聚酰亚胺薄膜的耐黄变");
        Assert.Equal([1, 1, 0, 0, 1, 2, 1], tokens.Select(t => t.Increment));
        Assert.Equal(["word", "word", "subword", "subword", "word", "word", "word"], tokens.Select(t => t.Type));
        Assert.Equal(tokens.Select(t => t.Start).Order(), tokens.Select(t => t.Start));
    }

    [Fact]
    public void AnIndexThatStoresOffsets_TakesTheTokens()
    {
        // Lucene refuses a stream whose start offsets go backwards when the field indexes offsets.
        var type = new FieldType(TextField.TYPE_NOT_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS };
        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(MatchingAnalyzer.Version, Analyzer)))
            writer.AddDocument([new Field("body", "无色聚酰亚胺薄膜用于柔性太阳能电池和锂离子电池正极材料", type)]);
        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(1, new IndexSearcher(reader).Search(new TermQuery(new Term("body", "亚胺")), 1).TotalHits);
    }

    [Fact]
    public void TheHighlighter_MarksTheShorterWord_NotTheWholeWord()
    {
        var snippet = new SnippetBuilder(Analyzer).Build(new TermQuery(new Term("body", "亚胺")), "body", "无色聚酰亚胺薄膜", 0);
        Assert.Equal(["亚胺"], snippet[0].Spans.Where(s => s.Hit).Select(s => s.Text));
        Assert.Equal("无色聚酰<mark>亚胺</mark>薄膜", snippet[0].Html);
    }

    [Fact]
    public void Terms_AreTheSame_ForTraditionalAndSimplifiedText()
    {
        Assert.Equal(["钙钛矿", "柔性", "太阳能", "太阳", "电池"], Analyzer.Terms("鈣鈦礦柔性太陽能電池"));
        Assert.Equal(Analyzer.Terms("锂离子电池正极材料"), Analyzer.Terms("鋰離子電池正極材料"));
        Assert.Equal(Analyzer.Terms("新型显示产业需要驱动芯片"), Analyzer.Terms("新型顯示產業需要驅動芯片"));
    }

    [Fact]
    public void AnEmptyText_HasNoTerms_AndDoesNotThrow()
    {
        Assert.Empty(Analyzer.Terms(""));
        Assert.Empty(Analyzer.Terms("", "all"));
        Assert.Empty(Analyzer.Terms(" ，。、 \n"));
    }

    [Fact]
    public void AReusedTokenizer_ForgetsTheLastText()
    {
        var first = Analyzer.Terms("基于钙钛矿的柔性太阳能电池");
        Assert.Equal(["锂离子", "离子"], Analyzer.Terms("锂离子"));
        Assert.Empty(Analyzer.Terms(""));
        Assert.Equal(first, Analyzer.Terms("基于钙钛矿的柔性太阳能电池"));
    }

    [Fact]
    public void TheAnalyzer_GivesTheSameTokens_FromManyThreadsAtOnce()
    {
        string[] sentences =
        [
            "盖板用久发黄、折痕明显", "无色聚酰亚胺薄膜的耐黄变与耐弯折", "基于钙钛矿的柔性太阳能电池", "锂离子电池正极材料",
            "AMOLED面板的LTPS背板工艺", "面向新型显示的驱动芯片设计", "抗体偶联药物的研发", "川菜复合调味料的HACCP体系与冷链物流追溯",
        ];
        var texts = Enumerable.Range(0, 300).Select(i => sentences[i % sentences.Length] + "，" + sentences[i * 7 % sentences.Length] + i).ToArray();
        var sequential = texts.Select(t => string.Join("|", Analyzer.Terms(t))).ToArray();
        var parallel = new string[texts.Length];
        var fresh = new MatchingAnalyzer(Segmentation.Jieba);
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            parallel[i] = string.Join("|", (i % 2 == 0 ? Analyzer : fresh).Terms(texts[i])));
        Assert.Equal(sequential, parallel);
    }

    private sealed record Tok(string Term, int Start, int End, int Increment, string Type);

    private static List<Tok> Tokens(string text)
    {
        var tokens = new List<Tok>();
        using var stream = Analyzer.GetTokenStream("body", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
            tokens.Add(new Tok(term.ToString(), offset.StartOffset, offset.EndOffset, increment.PositionIncrement, type.Type));
        stream.End();
        Assert.Equal(text.Length, offset.EndOffset);
        return tokens;
    }
}

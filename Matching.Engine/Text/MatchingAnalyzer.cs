using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Matching.Engine.Text;

/// <summary>
/// A Chinese segmenter, then lower-casing, Porter stemming of English words except acronyms, and SmartCn's stop set
/// plus Chinese function words and English stop words, behind <see cref="TextFolding"/>, so traditional characters
/// and full-width letters index and match like their simplified, half-width forms. The segmenter is SmartCn's HMM
/// (<see cref="Segmentation.SmartCn"/>, what the product ships) or jieba in search mode (<see cref="Segmentation.Jieba"/>:
/// <see cref="JiebaTokenizer"/>, each word followed by the shorter dictionary words inside it); the filters after it
/// are the same. Thread safe, like every Lucene analyzer; share one instance.
/// </summary>
public sealed class MatchingAnalyzer(Segmentation segmentation = Segmentation.SmartCn) : Analyzer
{
    /// <summary>How Chinese text is cut into words: SmartCn's HMM (what the product ships) or jieba (measured against it).</summary>
    public Segmentation Segmentation { get; } = segmentation;

    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    /// <summary>
    /// SmartCn's stop set is punctuation only; these are the Chinese function words that SmartCn emits as single
    /// tokens and that carry no topic (的, 和, 与 …), which would otherwise match every document.
    /// </summary>
    public static readonly IReadOnlyList<string> ChineseFunctionWords =
    [
        "的", "了", "和", "与", "及", "或", "在", "是", "对", "为", "以", "等", "将", "把", "被", "其", "之", "也", "并", "而",
        "从", "到", "由", "于", "可", "能", "个", "这", "那", "有", "我", "我们", "你", "他", "它", "该", "此", "就", "都", "又",
        "还", "但", "如", "若", "则", "所", "着", "过", "给", "向", "让", "使", "用", "要", "会", "已", "已经", "一个", "进行",
    ];

    private static readonly CharArraySet StopWords = BuildStopSet();

    private static CharArraySet BuildStopSet()
    {
        var set = new CharArraySet(Version, SmartChineseAnalyzer.DefaultStopSet, ignoreCase: false);
        foreach (var word in ChineseFunctionWords) set.Add(word);
        // Lucene's English stop words too: SmartCn keeps "the", "of", "and" as terms, which only add noise to
        // long English queries.
        set.UnionWith(Lucene.Net.Analysis.Core.StopAnalyzer.ENGLISH_STOP_WORDS_SET);
        return set.AsReadOnly();
    }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        Tokenizer tokenizer = Segmentation == Segmentation.Jieba ? new JiebaTokenizer(reader) : new TextCapturingTokenizer(reader);
        TokenStream stream = new AcronymKeywordFilter(tokenizer);
        stream = new LowerCaseFilter(Version, stream);
        stream = new PorterStemFilter(stream);
        stream = new StopFilter(Version, stream, StopWords);
        return new TokenStreamComponents(tokenizer, stream);
    }

    // Lucene's reusable reader gives null, not "", for an empty text (an empty BEIR document or query).
    protected override TextReader InitReader(string fieldName, TextReader reader) =>
        new TextReaderOf(TextFolding.Fold(reader.ReadToEnd() ?? ""));

    /// <summary>The analysed terms of <paramref name="text"/>, in order.</summary>
    public IReadOnlyList<string> Terms(string text, string field = "body")
    {
        var terms = new List<string>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(term.ToString());
        stream.End();
        return terms;
    }
}

/// <summary>The Chinese word segmenter behind <see cref="MatchingAnalyzer"/>.</summary>
public enum Segmentation
{
    SmartCn,
    Jieba,
}

using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Matching.Engine.Text;

/// <summary>
/// SmartCn's chain (HMM segmentation, lower-casing, Porter stemming of English words, SmartCn's stop set) behind
/// <see cref="TextFolding"/>, so traditional characters and full-width letters index and match like their
/// simplified, half-width forms. Thread safe, like every Lucene analyzer; share one instance.
/// </summary>
public sealed class MatchingAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private static readonly CharArraySet StopWords = SmartChineseAnalyzer.DefaultStopSet;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new HMMChineseTokenizer(reader);
        TokenStream stream = new LowerCaseFilter(Version, tokenizer);
        stream = new PorterStemFilter(stream);
        stream = new StopFilter(Version, stream, StopWords);
        return new TokenStreamComponents(tokenizer, stream);
    }

    protected override TextReader InitReader(string fieldName, TextReader reader) =>
        new StringReader(TextFolding.Fold(reader.ReadToEnd()));

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

using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matching.Engine.Text;

/// <summary>
/// Overlapping pairs of CJK characters (folded as <see cref="TextFolding"/> folds them), the unit of the index's
/// <c>bigrams</c> field: BM25 over character pairs is the classic complement to word BM25 for Chinese, since it needs
/// no segmentation (a word SmartCn cuts differently in a need and a result still shares its pairs). A pair never
/// spans a non-CJK character.
/// </summary>
public static class CjkBigrams
{
    /// <summary>The pairs of a text as their two folded characters and where they start, in order, repeats included.</summary>
    public static IEnumerable<(char First, char Second, int Start)> Chars(string text)
    {
        var previous = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = TextFolding.Fold(text[i]);
            if (i > 0 && Features.FeatureExtractor.IsCjk(previous) && Features.FeatureExtractor.IsCjk(c)) yield return (previous, c, i - 1);
            previous = c;
        }
    }

    /// <summary>The pairs of a text, in order, repeats included.</summary>
    public static IEnumerable<(string Pair, int Start)> Of(string text) => Chars(text).Select(p => (string.Concat(p.First, p.Second), p.Start));

    /// <summary>The distinct pairs of a text: the terms of a query on the bigrams field.</summary>
    public static IReadOnlyList<string> Distinct(string text) => Of(text).Select(p => p.Pair).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The analyzer of the bigrams field: one token per pair, with its offsets.</summary>
    public static readonly Analyzer Analyzer = new BigramAnalyzer();

    private sealed class BigramAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) => new(new BigramTokenizer(reader));
    }

    private sealed class BigramTokenizer : Tokenizer
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private IEnumerator<(string Pair, int Start)>? _pairs;
        private int _end;

        public BigramTokenizer(TextReader reader) : base(reader)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override void Reset()
        {
            base.Reset();
            var text = m_input.ReadToEnd() ?? "";
            _end = text.Length;
            _pairs = Of(text).ToList().GetEnumerator();
        }

        public override bool IncrementToken()
        {
            ClearAttributes();
            if (_pairs is null || !_pairs.MoveNext()) return false;
            var (pair, start) = _pairs.Current;
            _term.SetEmpty().Append(pair);
            _offset.SetOffset(CorrectOffset(start), CorrectOffset(start + 2));
            return true;
        }

        public override void End()
        {
            base.End();
            _offset.SetOffset(CorrectOffset(_end), CorrectOffset(_end));
        }
    }
}

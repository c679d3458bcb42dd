using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matching.Engine.Text;

/// <summary>
/// Marks acronyms and mixed-case technical names (AMOLED, LTPS, TFT, mRNA, HACCP) as keywords before lower-casing,
/// so the Porter stemmer leaves them whole: without it AMOLED indexes as "amol" and LTPS as "ltp". SmartCn's
/// tokenizer has already lower-cased the term, so the case is read from the original text through the offsets; that
/// is why the filter sits right on a tokenizer that tells its text (<see cref="ITextSource"/>).
/// </summary>
public sealed class AcronymKeywordFilter : TokenFilter
{
    private readonly ITextSource _source;
    private readonly IOffsetAttribute _offset;
    private readonly IKeywordAttribute _keyword;

    /// <param name="source">The tokenizer itself (its offsets index its text): <see cref="TextCapturingTokenizer"/> or <see cref="JiebaTokenizer"/>.</param>
    public AcronymKeywordFilter(Tokenizer source) : base(source)
    {
        _source = source as ITextSource
            ?? throw new ArgumentException($"the tokenizer must tell its text ({nameof(ITextSource)})", nameof(source));
        _offset = AddAttribute<IOffsetAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken()) return false;
        var text = _source.Text;
        int start = _offset.StartOffset, end = _offset.EndOffset;
        if (text is not null && start >= 0 && end <= text.Length && end > start && IsAcronym(text.AsSpan(start, end - start), end - start))
            _keyword.IsKeyword = true;
        return true;
    }

    /// <summary>Two or more ASCII letters with an upper-case letter after the first position.</summary>
    internal static bool IsAcronym(ReadOnlySpan<char> buffer, int length)
    {
        var letters = 0;
        var innerUpper = false;
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (!char.IsAsciiLetter(c)) continue;
            if (letters > 0 && char.IsAsciiLetterUpper(c)) innerUpper = true;
            letters++;
        }
        return letters >= 2 && innerUpper;
    }
}

/// <summary>A tokenizer that tells the (folded) text its offsets point into, for filters that need the original case.</summary>
public interface ITextSource
{
    /// <summary>The text being tokenized, or null when it is not known.</summary>
    string? Text { get; }
}

/// <summary>SmartCn's HMM tokenizer that remembers the text it is reading (the analyzer hands it a <see cref="TextReaderOf"/>).</summary>
public sealed class TextCapturingTokenizer(TextReader reader) : Lucene.Net.Analysis.Cn.Smart.HMMChineseTokenizer(reader), ITextSource
{
    /// <summary>The folded text being tokenized, when the reader carries it.</summary>
    public string? Text => (m_input as TextReaderOf)?.Text;
}

/// <summary>A string reader that exposes its string.</summary>
public sealed class TextReaderOf(string text) : StringReader(text)
{
    public string Text { get; } = text;
}

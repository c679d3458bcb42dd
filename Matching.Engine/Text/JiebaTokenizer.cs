using System.Runtime.CompilerServices;
using JiebaNet.Segmenter;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Matching.Engine.Taxonomy;

namespace Matching.Engine.Text;

/// <summary>
/// jieba's segmentation in search mode as a Lucene tokenizer: each word, then the shorter dictionary words inside it
/// (聚酰亚胺, then 酰亚胺 and 亚胺), so a query for the part finds the whole. A shorter word takes position increment 0,
/// stacked on its word like a synonym: positions still count words, as SmartCn's do, so a phrase or a proximity over
/// words is not stretched by the parts, and the highlighter groups the overlapping tokens by their offsets. Tokens come
/// in order of their start offsets (jieba lists the parts before their word), as Lucene requires of indexed offsets.
/// Whitespace and punctuation are dropped; a Latin or digit run (AMOLED, LiFePO4, 3.5%) is one token, as jieba cuts it.
/// The text is read whole on <see cref="Reset"/>, and <see cref="Text"/> gives it to <see cref="AcronymKeywordFilter"/>.
/// </summary>
public sealed class JiebaTokenizer : Tokenizer, ITextSource
{
    /// <summary>Lucene's type of a word, and of a shorter dictionary word inside one.</summary>
    public const string WordType = "word", PartType = "subword";

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private readonly List<JiebaNet.Segmenter.Token> _tokens = [];
    private int _next;
    private int _wordEnd;
    private string? _text;

    public JiebaTokenizer(TextReader input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    /// <summary>The text being tokenized (folded, when the analyzer feeds it), from <see cref="Reset"/> on.</summary>
    public string? Text => _text;

    public override void Reset()
    {
        base.Reset();
        // Lucene's reusable reader gives null, not "", for an empty text.
        _text = m_input.ReadToEnd() ?? "";
        _tokens.Clear();
        _tokens.AddRange(JiebaSegmenters.Shared.Tokenize(_text, TokenizerMode.Search));
        // Each word starts where the previous one ends and its parts lie inside it, so start ascending and, at one
        // start, the longest first puts every word before its parts.
        _tokens.Sort(static (a, b) => a.StartIndex != b.StartIndex ? a.StartIndex.CompareTo(b.StartIndex) : b.EndIndex.CompareTo(a.EndIndex));
        _next = 0;
        _wordEnd = 0;
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        while (_next < _tokens.Count)
        {
            var token = _tokens[_next++];
            var part = token.StartIndex < _wordEnd;
            if (!part) _wordEnd = token.EndIndex;
            if (!HasLetterOrDigit(token.Word)) continue;
            if (string.CompareOrdinal(_text, token.StartIndex, token.Word, 0, token.Word.Length) != 0)
                throw new InvalidOperationException($"jieba's offsets drifted: \"{token.Word}\" is not at {token.StartIndex}");
            _term.SetEmpty().Append(token.Word);
            _offset.SetOffset(CorrectOffset(token.StartIndex), CorrectOffset(token.EndIndex));
            _position.PositionIncrement = part ? 0 : 1;
            _type.Type = part ? PartType : WordType;
            return true;
        }
        return false;
    }

    public override void End()
    {
        base.End();
        var end = CorrectOffset(_text?.Length ?? 0);
        _offset.SetOffset(end, end);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _text = null;
        _tokens.Clear();
    }

    private static bool HasLetterOrDigit(string word)
    {
        foreach (var c in word)
            if (char.IsLetterOrDigit(c)) return true;
        return false;
    }
}

/// <summary>
/// The process's one jieba segmenter, with the taxonomy's and the synonym dictionary's words added. One instance is
/// shared by every thread: segmenting reads only jieba's static dictionary (a <see cref="Dictionary{TKey,TValue}"/>,
/// safe for concurrent readers), its HMM tables and compiled regexes, and the instance holds nothing but the tags of
/// added words. <see cref="JiebaSegmenter.AddWord"/> writes that static dictionary without a lock, so every word is
/// added here, once, before the segmenter is handed out; nothing may add words afterwards.
/// </summary>
internal static class JiebaSegmenters
{
    /// <summary>Where the build copies jieba's files (Matching.Engine.csproj).</summary>
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Resources", "jieba");

    private static readonly string[] Files = ["dict.txt", "prob_emit.json", "prob_trans.json"];

    private static readonly Lazy<JiebaSegmenter> Segmenter = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static JiebaSegmenter Shared => Segmenter.Value;

    private static JiebaSegmenter Create()
    {
        // jieba swallows a missing file and segments with an empty dictionary, one character a word.
        foreach (var path in Files.Select(f => Path.Combine(Folder, f)))
            if (!File.Exists(path))
                throw new FileNotFoundException("jieba's dictionary is not next to the binaries (the build copies it from the jieba.NET package)", path);
        ConfigManager.ConfigFileBaseDir = Folder;
        return Load();
    }

    // Apart from Create: jieba reads ConfigFileBaseDir in WordDictionary's static initialiser, which the JIT may run as
    // soon as it compiles a method that touches the type, before the line that sets the folder.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JiebaSegmenter Load()
    {
        var segmenter = new JiebaSegmenter();
        // No frequency: jieba suggests one just high enough for the word to beat its pieces (a word it knows already
        // keeps its own frequency when that is higher).
        foreach (var word in Terms()) segmenter.AddWord(word);
        return segmenter;
    }

    /// <summary>
    /// Words of two or more Chinese characters from the shipped taxonomy and synonym files. Industry and system names
    /// are cut at their conjunctions (人工智能与超算 → 人工智能, 超算): added whole, a phrase would be one token whose
    /// four-character words search mode does not give back. Zone names are places, not topics, and are left out.
    /// </summary>
    internal static IEnumerable<string> Terms()
    {
        var taxonomy = TaxonomyFiles.DefaultTaxonomy();
        var names = taxonomy.File.Systems.SelectMany(s => s.Ecosystems.Select(e => e.Name).Prepend(s.Name));
        var phrases = names.SelectMany(n => n.Split(['与', '和', '及', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        using var reader = new StreamReader(TaxonomyFiles.Default(TaxonomyFiles.SynonymsFile));
        var synonyms = reader.ReadToEnd().Split('\n').SelectMany(SynonymDictionary.Members);
        return phrases.Concat(synonyms).Select(TextFolding.Fold).Where(IsChineseWord).Distinct().ToList();
    }

    // jieba's own range of Chinese characters: a word with any other character would never be looked up.
    private static bool IsChineseWord(string word) => word.Length >= 2 && word.All(c => c is >= '\u4E00' and <= '\u9FD5');
}

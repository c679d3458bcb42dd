namespace Matching.Engine.Features;

/// <summary>
/// The features of a (need, candidate) pair, in vector order. Defined once: training rows and serving rows are
/// built by the same <see cref="FeatureExtractor"/>.
/// <para>
/// Missing values: a feature that cannot be computed for a pair (no keywords on one side, no maturity, no price…)
/// is 0 and its companion "has_…" indicator is 0; when present, the indicator is 1. Trees then split on the
/// indicator instead of mistaking "unknown" for "zero overlap".
/// </para>
/// </summary>
public static class FeatureSchema
{
    public static readonly IReadOnlyList<string> Names =
    [
        "bm25",               // the candidate query's score
        "rank",               // 1-based rank in the BM25 list (K + 1 for a pair it did not retrieve: the dense list's alone, or asked for)
        "dense_rank",         // 1-based rank in the dense list of the language's sentence vectors (dense K + 1 when it did not find the pair)
        "dense_only",         // 1 when the dense list found the pair and the BM25 top K did not
        "rrf",                // reciprocal rank fusion of the two lists: 1/(60 + rank) + 1/(60 + dense_rank), × 100
        "norm_score",         // score over the list's best
        "bm25_all",           // BM25 of the need's terms on title + body + keywords
        "bm25_title",         // … on the title alone
        "bm25_keywords",      // … on the keywords alone
        "bm25_bigrams",       // BM25 of the need's distinct CJK character pairs on the whole text's pairs (no segmentation; 0 for English)
        "coverage",           // share of the need's term weight found in the candidate
        "coverage_title",     // share found in the candidate's title
        "bm25_ratio",         // bm25_all over its bound for this need (each term's idf × weight × (k1 + 1)): compares across needs
        "coverage_idf",       // share of the need's idf-weighted terms found in the candidate's whole text
        "bigram_ratio",       // bm25_bigrams over its bound for this need (0 for English)
        "keyword_overlap", "has_keyword_overlap",
        "industry_distance", "has_industry_distance",
        "maturity_gap", "has_maturity_gap",
        "cooperation_overlap", "has_cooperation_overlap",
        "money_fit", "has_money_fit",
        "same_zone", "has_same_zone",
        "same_region", "has_same_region",
        "track_record", "has_track_record", // smoothed share of the candidate organisation's judged pairs graded ≥ 2, other needs only
        "age_gap_days", "has_age_gap_days",   // need's last update minus the candidate's, in days (how fresh the candidate was then)
        "embedding_cosine", "has_embedding_cosine", // sentence-vector cosine by the language's encoder (all-MiniLM-L6-v2; bge-small-zh-v1.5 for Chinese)
        "topic_cosine", "has_topic_cosine",         // cosine of LDA topic mixtures over SmartCn tokens (Chinese and English)
        "embedding_gap",      // best embedding cosine in the candidate list minus this one (0 when has_embedding_cosine is 0)
        "topic_gap",          // best topic cosine in the candidate list minus this one (0 when has_topic_cosine is 0)
        "passage_cosine", "has_passage_cosine", // the best sentence of the candidate's body: its cosine with the need, by the same encoder
        "passage_gap",        // best passage cosine in the candidate list minus this one (0 when has_passage_cosine is 0)
        "embedding_prf",      // cosine with the mean sentence vector of the list's top 5 by BM25 (pseudo-relevance feedback; 0 when unknown)
        "bigram_dice",        // Dice overlap of CJK character bigrams (Chinese needs a signal beyond SmartCn words)
        "cjk_share",          // share of CJK characters in the need (the language signal)
        "need_terms",         // distinct analysed terms in the need
        "title_chars", "body_chars",
    ];

    public static int Count => Names.Count;

    public static int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        throw new ArgumentOutOfRangeException(nameof(name), name, "no such feature");
    }
}

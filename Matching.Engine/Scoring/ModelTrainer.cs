using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Matching.Engine.Evaluation;
using Matching.Engine.Records;

namespace Matching.Engine.Scoring;

/// <summary>Out-of-fold figures of a cross-validation: the scores (for calibration) and nDCG@10 of BM25 and of the model.</summary>
public sealed record CrossValidation(List<(float Score, float Label)> OutOfFold, double Bm25, double Model, int Queries,
    IReadOnlyDictionary<string, (double Bm25, double Model, int Queries)> BySource, (double Mean, double Low, double High) Difference)
{
    /// <summary>Each group's out-of-fold raw scores, in row order.</summary>
    public IReadOnlyDictionary<string, float[]> ByGroup { get; init; } = new Dictionary<string, float[]>();
}

/// <summary>
/// Turns ranking rows into scorers, the same way for the train verb and the nightly retrain: one LambdaMART ranker per
/// language (ModelBundle explains why), each calibrated on its own out-of-fold scores — what the ranker says about
/// pairs it did not train on. Rows are grouped by query ("source:query id"); folds go by a hash of a fold key, so
/// near-duplicate queries can be kept on one side.
/// </summary>
public static class ModelTrainer
{
    public const int CalibrationFolds = 5;

    /// <summary>One calibrated scorer per language present in <paramref name="rows"/>, with their cross-validated figures in <paramref name="metrics"/>.</summary>
    /// <remarks><paramref name="byLanguage"/> gives a language its own hyper-parameters (else <paramref name="hp"/>).</remarks>
    /// <remarks>With <paramref name="absolute"/>, each language also gets an absolute scorer (<see cref="TrainAbsolute"/>).</remarks>
    /// <remarks>
    /// <paramref name="outOfFold"/>, when given, receives each group's out-of-fold pair scores in row order, through the
    /// final calibrators: the shown score and the absolute one (the shown one when the language has no absolute scorer).
    /// What an expert blend is chosen on.
    /// </remarks>
    public static List<LanguageScorer> Train(List<RankingRow> rows, RankerHyperParameters hp, Func<string, string> foldKey, IDictionary<string, double> metrics, Action<string>? log = null,
        IReadOnlyDictionary<string, RankerHyperParameters>? byLanguage = null, RankerHyperParameters? absolute = null,
        IDictionary<string, (double[] Shown, double[] Absolute)>? outOfFold = null)
    {
        var scorers = new List<LanguageScorer>();
        foreach (var language in rows.GroupBy(r => ModelBundle.LanguageOf(r.Features)).OrderBy(g => g.Key == "en" ? 0 : 1))
        {
            var languageRows = language.ToList();
            var languageHp = byLanguage?.GetValueOrDefault(language.Key) ?? hp;
            log?.Invoke($"language {language.Key}: {languageRows.Count:N0} rows");
            var cv = CrossValidate(languageRows, languageHp, CalibrationFolds, foldKey, log);
            metrics[$"cv5_ndcg10_{language.Key}_bm25"] = cv.Bm25;
            metrics[$"cv5_ndcg10_{language.Key}_model"] = cv.Model;
            var calibrator = IsotonicCalibrator.Fit(cv.OutOfFold.Select(x => (double)x.Score).ToList(), cv.OutOfFold.Select(x => x.Label > 0).ToList());
            // Pooled across needs, how well each number sorts relevant pairs above the rest (what a score that means
            // the same for every need has to do): the ranker's, and the absolute scorer's below.
            metrics[$"cv5_pooled_auc_{language.Key}_ranker"] = RankingMetrics.Auc(cv.OutOfFold.Select(x => (double)x.Score).ToList(), cv.OutOfFold.Select(x => x.Label > 0).ToList());
            var absoluteMargins = new Dictionary<string, float[]>();
            var absoluteScorer = absolute is null ? null : TrainAbsolute(languageRows, absolute, CalibrationFolds, foldKey, language.Key, metrics, log, absoluteMargins);
            var showsAbsolute = absoluteScorer is not null && ShownScore(language.Key, metrics) == ModelBundle.ShownAbsolute;
            if (outOfFold is not null)
                foreach (var (group, raw) in cv.ByGroup)
                {
                    var calibrated = raw.Select(x => Math.Round(calibrator.Calibrate(x), 4)).ToArray();
                    var probabilities = absoluteScorer is not null && absoluteMargins.TryGetValue(group, out var m)
                        ? m.Select(x => Math.Round(absoluteScorer.Calibrator.Calibrate(x), 4)).ToArray() : calibrated;
                    outOfFold[group] = (showsAbsolute ? probabilities : calibrated, probabilities);
                }
            log?.Invoke($"language {language.Key}: the shown score is the {(showsAbsolute ? "absolute scorer's" : "ranker's calibrated score")}");
            scorers.Add(new LanguageScorer(language.Key, RankerModel.Train(languageRows, languageHp), calibrator, absoluteScorer, showsAbsolute));
        }
        return scorers;
    }

    /// <summary>k-fold cross-validation over training queries: nDCG@10 of the BM25 order and of the model, out of fold.</summary>
    public static CrossValidation CrossValidate(List<RankingRow> rows, RankerHyperParameters hp, int folds, Func<string, string> foldKey, Action<string>? log = null)
    {
        var outOfFold = new List<(float Score, float Label)>();
        var byGroup = new Dictionary<string, float[]>();
        int FoldOf(string group) => ModelTrainer.FoldOf(foldKey(group), folds);
        var groups = rows.GroupBy(r => r.GroupId).ToList();
        var bm25 = new List<double>();
        var learned = new List<double>();
        var bySource = new Dictionary<string, (List<double> Bm25, List<double> Model)>();
        for (var f = 0; f < folds; f++)
        {
            var training = rows.Where(r => FoldOf(r.GroupId) != f).ToList();
            if (training.Count == 0) continue;
            var model = RankerModel.Train(training, hp);
            foreach (var g in groups.Where(g => FoldOf(g.Key) == f))
            {
                var list = g.ToList();
                var scores = model.Score(list.Select(r => r.Features).ToList());
                byGroup[g.Key] = scores;
                outOfFold.AddRange(list.Select((r, i) => (scores[i], r.Label)));
                var judged = list.Select((r, i) => (Id: i.ToString(CultureInfo.InvariantCulture), r.Label)).Where(x => x.Label > 0).ToDictionary(x => x.Id, x => (int)x.Label);
                if (judged.Count == 0) continue;
                var ids = Enumerable.Range(0, list.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
                var b = RankingMetrics.Ndcg(ids, judged, 10);
                var m = RankingMetrics.Ndcg(ids.OrderByDescending(id => scores[int.Parse(id, CultureInfo.InvariantCulture)]).ThenBy(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList(), judged, 10);
                bm25.Add(b);
                learned.Add(m);
                var colon = g.Key.IndexOf(':');
                var source = colon > 0 ? g.Key[..colon] : "";
                if (!bySource.TryGetValue(source, out var s)) bySource[source] = s = ([], []);
                s.Bm25.Add(b);
                s.Model.Add(m);
            }
        }
        if (bm25.Count == 0) throw new InvalidOperationException("no training query has a relevant candidate among its retrieved ones");
        var difference = RankingMetrics.PairedBootstrap(bm25, learned);
        log?.Invoke($"cv {folds} folds ({hp}): {bm25.Count} queries with a relevant candidate");
        foreach (var (source, s) in bySource.OrderBy(x => x.Key, StringComparer.Ordinal))
            log?.Invoke($"cv {source}: ndcg@10 bm25={s.Bm25.Average():F4} model={s.Model.Average():F4} ({s.Bm25.Count} queries)");
        log?.Invoke($"cv ndcg@10 bm25={bm25.Average():F4} model={learned.Average():F4} (difference {difference.Mean:+0.0000;-0.0000}, 95% {difference.Low:+0.0000;-0.0000} … {difference.High:+0.0000;-0.0000})");
        return new CrossValidation(outOfFold, bm25.Average(), learned.Average(), bm25.Count,
            bySource.ToDictionary(x => x.Key, x => (x.Value.Bm25.Average(), x.Value.Model.Average(), x.Value.Bm25.Count)), difference) { ByGroup = byGroup };
    }

    /// <summary>
    /// Which number a language shows: the absolute scorer's when, out of fold, it sorts the pooled pairs of all needs
    /// at least as well as the ranker's score does (pooled AUC, the measure of a score that means the same for every
    /// need), else the ranker's calibrated score.
    /// </summary>
    public static string ShownScore(string language, IDictionary<string, double> metrics) =>
        metrics.TryGetValue($"cv5_pooled_auc_{language}_absolute", out var absolute) && metrics.TryGetValue($"cv5_pooled_auc_{language}_ranker", out var ranker) && absolute >= ranker
            ? ModelBundle.ShownAbsolute : ModelBundle.ShownRanker;

    /// <summary>
    /// The absolute scorer of one language's rows: out of fold (the same folds as the ranker's), the classifier's
    /// margins are collected and a Platt curve fitted on them; the classifier is then trained on all rows. Logs and
    /// records the out-of-fold figures: pooled AUC, log loss, and nDCG@10 of each need's list ordered by it.
    /// </summary>
    /// <remarks><paramref name="outOfFold"/>, when given, receives each group's out-of-fold margins in row order.</remarks>
    public static AbsoluteScorer TrainAbsolute(List<RankingRow> rows, RankerHyperParameters hp, int folds, Func<string, string> foldKey, string language,
        IDictionary<string, double> metrics, Action<string>? log = null, IDictionary<string, float[]>? outOfFold = null)
    {
        var groups = rows.GroupBy(r => r.GroupId).Select(g => (Rows: g.ToList(), Fold: FoldOf(foldKey(g.Key), folds))).ToList();
        var margins = new List<double>();
        var relevant = new List<bool>();
        var byGroup = new List<(List<RankingRow> Rows, float[] Margins)>();
        for (var f = 0; f < folds; f++)
        {
            var training = groups.Where(g => g.Fold != f).SelectMany(g => g.Rows).ToList();
            var scored = groups.Where(g => g.Fold == f).ToList();
            if (scored.Count == 0 || !training.Any(r => r.Label >= 1) || training.All(r => r.Label >= 1)) continue;
            var model = AbsoluteScorer.Train(training, hp);
            foreach (var g in scored)
            {
                var m = model.Margins(g.Rows.Select(r => r.Features).ToList());
                byGroup.Add((g.Rows, m));
                if (outOfFold is not null) outOfFold[g.Rows[0].GroupId] = m;
                margins.AddRange(m.Select(x => (double)x));
                relevant.AddRange(g.Rows.Select(r => r.Label >= 1));
            }
        }
        var calibrator = margins.Count > 0 && relevant.Contains(true) && relevant.Contains(false) ? PlattCalibrator.Fit(margins, relevant) : PlattCalibrator.Identity;
        if (margins.Count > 0)
        {
            var probabilities = margins.Select(calibrator.Calibrate).ToList();
            var ndcg = byGroup.Where(g => g.Rows.Any(r => r.Label > 0)).Select(g =>
            {
                var judged = g.Rows.Select((r, i) => (Id: i.ToString(CultureInfo.InvariantCulture), r.Label)).Where(x => x.Label > 0).ToDictionary(x => x.Id, x => (int)x.Label);
                var order = Enumerable.Range(0, g.Rows.Count).OrderByDescending(i => g.Margins[i]).ThenBy(i => i).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
                return RankingMetrics.Ndcg(order, judged, 10);
            }).DefaultIfEmpty(0).Average();
            metrics[$"cv5_pooled_auc_{language}_absolute"] = RankingMetrics.Auc(margins, relevant);
            metrics[$"cv5_logloss_{language}_absolute"] = RankingMetrics.LogLoss(probabilities, relevant);
            metrics[$"cv5_ndcg10_{language}_absolute"] = ndcg;
            log?.Invoke($"absolute {language}: out of fold over {margins.Count:N0} pairs, pooled AUC {metrics[$"cv5_pooled_auc_{language}_absolute"]:F4} " +
                        $"(ranker's {(metrics.TryGetValue($"cv5_pooled_auc_{language}_ranker", out var rankerAuc) ? rankerAuc : double.NaN):F4}), log loss {metrics[$"cv5_logloss_{language}_absolute"]:F4}, " +
                        $"nDCG@10 ordered by it {ndcg:F4}; Platt A={calibrator.A:F4} B={calibrator.B:F4}");
        }
        return AbsoluteScorer.Train(rows, hp, calibrator);
    }

    /// <summary>The fold of a group: a hash of its fold key (the same rule as <see cref="CrossValidate"/>).</summary>
    public static int FoldOf(string foldKey, int folds) => SHA256.HashData(Encoding.UTF8.GetBytes(foldKey))[1] % folds;

    /// <summary>
    /// Each group's out-of-fold scores (in row order) and its fold: for every fold, a ranker trained on the other
    /// folds' rows scores this one's. What <c>evaluate --folds</c> measures.
    /// </summary>
    public static Dictionary<string, (int Fold, float[] Scores)> OutOfFold(List<RankingRow> rows, RankerHyperParameters hp, int folds, Func<string, string> foldKey) =>
        ByFold(rows, folds, foldKey, training => training.Count > 0, training => RankerModel.Train(training, hp).Score);

    /// <summary>
    /// Each group's out-of-fold absolute margins (in row order): for every fold, an absolute classifier trained on the
    /// other folds' rows scores this one's. Margins of one fold come from one classifier, so they compare with each
    /// other, not with another fold's.
    /// </summary>
    public static Dictionary<string, (int Fold, float[] Scores)> AbsoluteOutOfFold(List<RankingRow> rows, RankerHyperParameters hp, int folds, Func<string, string> foldKey) =>
        ByFold(rows, folds, foldKey, training => training.Any(r => r.Label >= 1) && !training.All(r => r.Label >= 1), training => AbsoluteScorer.Train(training, hp).Margins);

    /// <summary>The fold loop of both: a model fitted on the other folds' rows (where <paramref name="fits"/> says it can be) scores each group of the fold.</summary>
    private static Dictionary<string, (int Fold, float[] Scores)> ByFold(List<RankingRow> rows, int folds, Func<string, string> foldKey,
        Func<List<RankingRow>, bool> fits, Func<List<RankingRow>, Func<IReadOnlyList<float[]>, float[]>> fit)
    {
        var result = new Dictionary<string, (int Fold, float[] Scores)>();
        var groups = rows.GroupBy(r => r.GroupId).Select(g => (g.Key, Rows: g.ToList(), Fold: FoldOf(foldKey(g.Key), folds))).ToList();
        for (var f = 0; f < folds; f++)
        {
            var training = groups.Where(g => g.Fold != f).SelectMany(g => g.Rows).ToList();
            var scored = groups.Where(g => g.Fold == f).ToList();
            if (scored.Count == 0 || !fits(training)) continue;
            var score = fit(training);
            foreach (var g in scored) result[g.Key] = (f, score(g.Rows.Select(r => r.Features).ToList()));
        }
        return result;
    }

    /// <summary>
    /// A pair's out-of-fold scores (<see cref="Train"/>'s <c>outOfFold</c>) by kind, need and candidate, for lists
    /// grouped as "{prefix}-{kind}:{need id}" (<paramref name="lists"/>, keyed by group); null for a pair no list holds.
    /// </summary>
    public static Func<RecordKind, string, string, (double Shown, double Absolute)?> PairScores(string prefix, IReadOnlyDictionary<string, QueryCandidates> lists,
        IReadOnlyDictionary<string, (double[] Shown, double[] Absolute)> outOfFold)
    {
        var index = lists.ToDictionary(x => x.Key, x => x.Value.Candidates.Select((c, i) => (c.Id, i)).DistinctBy(x => x.Id).ToDictionary(x => x.Id, x => x.i));
        return (kind, need, id) =>
        {
            var group = $"{prefix}-{kind.Name()}:{need}";
            return index.TryGetValue(group, out var at) && at.TryGetValue(id, out var i) && outOfFold.TryGetValue(group, out var s) ? (s.Shown[i], s.Absolute[i]) : null;
        };
    }

    /// <summary>The rows of one query's candidates, labelled by its judgements.</summary>
    public static void AddRows(List<RankingRow> rows, string group, QueryCandidates q, Func<float[], float[]>? mask = null)
    {
        for (var i = 0; i < q.Candidates.Count; i++)
            rows.Add(new RankingRow { GroupId = group, Label = q.Judged.GetValueOrDefault(q.Candidates[i].Id), Features = mask is null ? q.Features[i] : mask(q.Features[i]) });
    }

    /// <summary>nDCG@10 of the BM25 order and of <paramref name="bundle"/>'s re-ranking over the same candidates, per query.</summary>
    public static (List<double> Bm25, List<double> Model) Compare(IEnumerable<QueryCandidates> queries, ModelBundle bundle)
    {
        var bm25 = new List<double>();
        var learned = new List<double>();
        foreach (var q in queries)
        {
            bm25.Add(RankingMetrics.Ndcg(q.Candidates.Select(c => c.Id).ToList(), q.Judged, 10));
            var scores = q.Features.Length == 0 ? [] : bundle.For(q.Features[0]).Ranker.Score(q.Features);
            learned.Add(RankingMetrics.Ndcg(q.Candidates.Select((c, i) => (c.Id, Score: scores[i], c.Rank)).OrderByDescending(x => x.Score).ThenBy(x => x.Rank).Select(x => x.Id).ToList(), q.Judged, 10));
        }
        return (bm25, learned);
    }
}

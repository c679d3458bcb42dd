using System.ComponentModel.DataAnnotations;

namespace Matching.Engine.Scoring;

/// <summary>The learning loop: when the nightly retrain runs and what a candidate model must show to be promoted.</summary>
public sealed class LearningOptions
{
    public const string SectionName = "Learning";

    /// <summary>Retrain every night (the job server's "retrain" recurring job).</summary>
    public bool NightlyRetrain { get; set; } = true;

    /// <summary>Cron expression of the retrain (server local time); 02:30 by default.</summary>
    [Required]
    public string RetrainCron { get; set; } = "30 2 * * *";

    /// <summary>
    /// How far below the active model a candidate's held-out nDCG@10 may be and still be promoted (newer judgements
    /// are worth a little noise). 0 means "not worse" strictly.
    /// </summary>
    [Range(0, 0.2)]
    public double Tolerance { get; set; } = 0.005;

    /// <summary>Share of judged needs held out of training to compare the candidate with the active model (by a hash of the need id).</summary>
    [Range(0.05, 0.5)]
    public double HeldOutShare { get; set; } = 0.2;

    /// <summary>Fewest training judgements worth a retrain.</summary>
    [Range(1, int.MaxValue)]
    public int MinJudgements { get; set; } = 50;

    /// <summary>
    /// A BEIR folder (corpus.jsonl, queries.jsonl, qrels/) to also train on (its <see cref="BenchmarkTrainSplit"/>) and to
    /// compare the candidate with the active model on (its <see cref="BenchmarkTestSplit"/>); empty: held-out judgements only.
    /// The benchmark's sentence vectors are cached in the data directory, so only the first night encodes them.
    /// </summary>
    public string? BenchmarkDirectory { get; set; }

    public string BenchmarkTrainSplit { get; set; } = "train";

    public string BenchmarkTestSplit { get; set; } = "test";

    /// <summary>Fewest held-out needs with a relevant candidate for a comparison to count.</summary>
    [Range(1, int.MaxValue)]
    public int MinHeldOutNeeds { get; set; } = 5;
}

using Hangfire;
using Hangfire.Server;
using Matching.Engine.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Jobs;

/// <summary>
/// The nightly retrain: a candidate from the database's judgements, measured against the active model on held-out
/// needs, promoted only when not worse (Learning:Tolerance). A promotion reaches every serving process within a
/// second (they follow the registry), and the match job then re-matches everything with the new version while the
/// old lists keep serving. Re-entrant: without a judgement newer than the active model it does nothing.
/// </summary>
public sealed class TrainJob(Retrainer retrainer, IOptions<LearningOptions> options, JobStorage storage, ILogger<TrainJob> logger)
{
    [Queue("train")]
    [AutomaticRetry(Attempts = 1)]
    public string Retrain(bool force, PerformContext? context, CancellationToken cancellationToken) =>
        JobLocks.Run(storage, "train", () =>
        {
            var outcome = retrainer.Run(options.Value, force, new JobProgressReporter(context), cancellationToken, message => logger.LogDebug("{Message}", message));
            logger.LogInformation("Retrain {Status}: {Candidate} — {Reason}", outcome.Status, outcome.Candidate ?? "-", outcome.Reason);
            return $"{outcome.Status} {outcome.Candidate}: {outcome.Reason}";
        });
}

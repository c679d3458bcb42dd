using Hangfire;
using Hangfire.Server;
using Matching.Engine.Events;
using Matching.Engine.Progress;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Generates an event's meetings in the background (a large 百校千企大对接 takes a while to build and solve). Re-entrant:
/// generating again re-solves from the same participants, pins and forbids and replaces the meetings; two copies of
/// one event's job do not run at once. No automatic retry: a problem the solver reports will not go away by itself.
/// </summary>
public sealed class EventJob(EventPlanner planner, JobStorage storage)
{
    [Queue("events")]
    [AutomaticRetry(Attempts = 0)]
    public string Generate(string eventId, PerformContext? context) =>
        JobLocks.Run(storage, "event:" + eventId, () =>
        {
            var progress = new JobProgressReporter(context);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            progress.Report(new JobProgress("build and solve", 0, 1, clock.Elapsed, "events"));
            var plan = planner.Generate(eventId);
            progress.Report(new JobProgress("done", 1, 1, clock.Elapsed, "events"));
            return $"{plan.Assignment.Meetings.Count} meetings, {plan.Assignment.EnterprisesCovered} of {plan.Problem.Enterprises.Count} enterprises covered";
        });
}

using Matching.Engine.Scoring;
using Matching.Engine.Vectors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Matching.Engine.Hosting;

/// <summary>
/// Keeps records' sentence vectors and topic mixtures current for the active model, in the process that owns the
/// index: it polls the change log every two seconds and computes what changed, off every request path. A newly
/// installed model starts its own cursor, so its topics fill from the start of the log in the background.
/// </summary>
public sealed class VectorUpkeep(IOptions<MatchingOptions> options, VectorMaintainer maintainer, ModelHost models, ILogger<VectorUpkeep> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.OwnsIndex) return;
        // Off the start-up path: the first pass over a large corpus takes a while.
        await Task.Yield();
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            if (models.Current is null) continue;
            try
            {
                var computed = await Task.Run(() => maintainer.CatchUp(cancellationToken: stoppingToken), stoppingToken);
                if (computed > 0) logger.LogInformation("Vectors: {Count} computed for model {Version}", computed, models.Current?.Version);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e)
            {
                // Retried on the next tick: the cursor only moves past what was stored.
                logger.LogError(e, "Vector catch-up failed; retrying");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

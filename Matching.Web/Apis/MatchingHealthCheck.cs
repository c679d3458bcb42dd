using Matching.Engine.Hosting;
using Matching.Engine.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matching.Web.Apis;

/// <summary>Healthy when the database answers and the index is open; degraded while the index lags the change log.</summary>
public sealed class MatchingHealthCheck(RecordStore store, IndexHost index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var last = store.LastSeq();
            if (!index.IsOpen) return Task.FromResult(HealthCheckResult.Unhealthy("the index is not open"));
            var applied = index.Indexes.AppliedSeq;
            var data = new Dictionary<string, object> { ["changeLogSeq"] = last, ["indexSeq"] = applied, ["indexWriter"] = index.Indexes.CanWrite };
            return Task.FromResult(last - applied > 1000
                ? HealthCheckResult.Degraded($"the index is {last - applied} changes behind", data: data)
                : HealthCheckResult.Healthy("database and index are up", data));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the database does not answer", e));
        }
    }
}

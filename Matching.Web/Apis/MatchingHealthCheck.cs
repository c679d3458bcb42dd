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

/// <summary>
/// /health/details, for administrators: what an operator checks first — the database, how far the index, the vectors
/// and the stored match lists are behind the change log, and the model being served. /health stays one word for anyone.
/// </summary>
public static class HealthDetails
{
    public sealed record Details(string Status, bool Database, long ChangeLogSeq, long? IndexSeq, long? IndexLag, bool IndexWriter,
        long? VectorSeq, long? VectorBacklog, long? MatchSeq, long? MatchBacklog, bool MatchListsComplete, string? Model, double? MatchFloor,
        long AccountLookupsFromMemory = 0, long AccountLookupsFromDatabase = 0, bool ChineseEncoder = false, string? ChineseEncoderMissing = null);

    public static IEndpointRouteBuilder MapHealthDetails(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/details", (RecordStore store, IndexHost index, Engine.Scoring.ModelHost models, Engine.Matches.MatchStore matches,
                Engine.Vectors.RecordVectors vectors, Engine.Accounts.AccountCache accounts, Engine.Embeddings.SentenceEncoders encoders) =>
            {
                long last;
                try { last = store.LastSeq(); }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    return TypedResults.Json(new Details("Unhealthy", false, 0, null, null, false, null, null, null, null, false, models.Current?.Version, models.Current?.MatchFloor),
                        statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                long? indexSeq = index.IsOpen ? index.Indexes.AppliedSeq : null;
                var bundle = models.Current;
                long? vectorSeq = bundle is null ? null : vectors.Cursor(Engine.Vectors.VectorMaintainer.CursorName(Engine.Vectors.VectorModels.Of(bundle), encoders));
                var version = bundle is null ? null : matches.Version(bundle.Version);
                long? matchSeq = version?.Cursor;
                var status = indexSeq is null ? "Unhealthy" : last - indexSeq > 1000 ? "Degraded" : "Healthy";
                return TypedResults.Json(new Details(status, true, last, indexSeq, indexSeq is null ? null : last - indexSeq, index.IsOpen && index.Indexes.CanWrite,
                    vectorSeq, vectorSeq is null ? null : last - vectorSeq, matchSeq, matchSeq is null ? null : last - matchSeq, version?.Complete == true,
                    bundle?.Version, bundle?.MatchFloor, accounts.Hits, accounts.Misses,
                    encoders.ChineseMissing is null, encoders.ChineseMissing));
            })
            .RequireAuthorization(Accounts.Policies.Admin).DisableRateLimiting().WithTags("Health")
            .WithSummary("Database, index, vector and match-list lag behind the change log, and the model served (administrators)");
        return app;
    }
}

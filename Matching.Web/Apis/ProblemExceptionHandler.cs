using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Web.Apis;

/// <summary>Every unhandled exception becomes a ProblemDetails response; argument errors are the caller's (400).</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ArgumentException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
            Engine.Index.IndexLockedException e => (StatusCodes.Status503ServiceUnavailable, "Index unavailable", e.Message),
            Engine.Hosting.IndexNotOpenException e => (StatusCodes.Status503ServiceUnavailable, "Index unavailable", e.Message),
            Engine.Scoring.NoModelException e => (StatusCodes.Status503ServiceUnavailable, "No scoring model", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Server error", "Something went wrong on our side; the request id is in traceId."),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled exception for {Path}", context.Request.Path);
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

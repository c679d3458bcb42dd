using Hangfire;
using Hangfire.Dashboard;
using Matching.Engine;
using Matching.Jobs;
using Matching.Web.Apis;

namespace Matching.Web;

public static class DependencyInjection
{
    /// <summary>The engine, the job server (in-process unless Jobs:InProcessServer is false), API, pages, health, OpenAPI.</summary>
    public static IHostApplicationBuilder AddMatchingWeb(this IHostApplicationBuilder builder)
    {
        builder.AddMatchingEngine();
        builder.AddMatchingJobs();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddRazorPages();
        builder.Services.AddHealthChecks().AddCheck<MatchingHealthCheck>("matching");
        // Chinese text in pages as characters, not &#x...; entities (still HTML-encoded where it matters).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        return builder;
    }

    /// <summary>The Hangfire dashboard at /hangfire, for requests from this machine only (accounts come later).</summary>
    public static WebApplication UseMatchingJobDashboard(this WebApplication app)
    {
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new LocalRequestsOnlyAuthorizationFilter()],
            DashboardTitle = "Matching jobs",
        });
        return app;
    }
}

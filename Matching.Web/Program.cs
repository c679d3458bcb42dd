using Matching.Engine;
using Matching.Web;
using Microsoft.Extensions.Options;
using Matching.Web.Accounts;
using Matching.Web.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddMatchingWeb();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseMatchingSecurityHeaders();
app.UseStatusCodePages();
app.UseStaticFiles();
app.UseRequestLocalization();
app.UseRouting();
app.UseMatchingRequestLimits();
app.UseMatchingAccounts();
app.MapMatchingJobDashboard();
app.MapOpenApi().AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous().DisableRateLimiting();
app.MapHealthDetails();
app.MapNeedsApi();
app.MapResultsApi();
app.MapExpertsApi();
app.MapOrganisationsApi();
app.MapImportsApi();
app.MapJobsApi();
app.MapEventsApi();
app.MapRazorPages();
app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
    "Matching is serving {Urls} with the data in {Data}", string.Join(", ", app.Urls), app.Services.GetRequiredService<IOptions<MatchingOptions>>().Value.DataPath));
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

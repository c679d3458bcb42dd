using Hangfire;
using Microsoft.AspNetCore.Localization;
using Hangfire.Dashboard;
using Matching.Engine;
using Matching.Jobs;
using Matching.Web.Accounts;
using Matching.Web.Apis;

namespace Matching.Web;

public static class DependencyInjection
{
    /// <summary>The engine, the job server (in-process unless Jobs:InProcessServer is false), API, pages, health, OpenAPI.</summary>
    public static IHostApplicationBuilder AddMatchingWeb(this IHostApplicationBuilder builder)
    {
        builder.AddMatchingEngine();
        builder.AddMatchingJobs();
        builder.AddMatchingAccounts();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Validation errors name fields as the JSON does (camel case), whichever check found them.
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
                validation.Errors = validation.Errors.ToDictionary(e => JsonFieldName(e.Key), e => e.Value);
        });
        // Minimal-API bodies are checked against their data annotations before a handler runs: 400 naming each field.
        builder.Services.AddValidation();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        // zh-CN first; English by the switch in the header (a cookie) or ?culture=en. The browser's language is not
        // consulted: the site's users and its data are Chinese.
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Text.Chinese).AddSupportedCultures([.. Text.Cultures]).AddSupportedUICultures([.. Text.Cultures]);
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        builder.Services.AddRazorPages()
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Text)));
        // A form value that does not bind ("abc" for a number) is said in the page's language too, not the framework's English.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o =>
        {
            var m = o.ModelBindingMessageProvider;
            m.SetAttemptedValueIsInvalidAccessor((value, field) => Text.T("“{0}”不是有效的{1}", value, field));
            m.SetNonPropertyAttemptedValueIsInvalidAccessor(value => Text.T("“{0}”不是有效的值", value));
            m.SetUnknownValueIsInvalidAccessor(field => Text.T("{0}的值无效", field));
            m.SetNonPropertyUnknownValueIsInvalidAccessor(() => Text.T("值无效"));
            m.SetValueIsInvalidAccessor(value => Text.T("“{0}”不是有效的值", value));
            m.SetValueMustBeANumberAccessor(field => Text.T("{0}须是数字", field));
            m.SetNonPropertyValueMustBeANumberAccessor(() => Text.T("须是数字"));
            m.SetValueMustNotBeNullAccessor(value => Text.T("“{0}”不能为空", value));
            m.SetMissingBindRequiredValueAccessor(field => Text.T("缺少{0}", field));
            m.SetMissingKeyOrValueAccessor(() => Text.T("缺少值"));
            m.SetMissingRequestBodyRequiredValueAccessor(() => Text.T("缺少请求内容"));
        });
        builder.Services.AddHealthChecks().AddCheck<MatchingHealthCheck>("matching");
        // A search may carry a whole need description in its query string (Pages.Display.MaxQueryLength).
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestLineSize = 64 * 1024);
        // Chinese text in pages as characters, not &#x...; entities (still HTML-encoded where it matters).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        return builder;
    }

    /// <summary>A C# member path ("Moves[0].OfferId") as the JSON field path a client sent ("moves[0].offerId").</summary>
    internal static string JsonFieldName(string path) =>
        string.Join('.', path.Split('.').Select(part => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(part)));

    /// <summary>
    /// Browser-side defence in depth for the pages: scripts only from this app (the pages have none inline), no
    /// framing, no MIME sniffing. Inline style attributes stay allowed for the score bars. The Hangfire dashboard
    /// (administrators only) uses inline scripts and is left out.
    /// </summary>
    public static WebApplication UseMatchingSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments(JobDashboardPath))
            {
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
                headers.XFrameOptions = "DENY";
            }
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Refuses a body declared larger than the endpoint allows (its RequestSizeLimit, else Kestrel's 30 MB) with 413
    /// before anything reads it: otherwise a form's antiforgery check, which reads the form first, turns the limit into
    /// a 400.
    /// </summary>
    public static WebApplication UseMatchingRequestLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                ?? context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            if (context.Request.ContentLength is { } length && limit is { } max && length > max)
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
                    detail: $"the body is {length / 1048576.0:N1} MB; this address takes at most {max / 1048576.0:N1} MB").ExecuteAsync(context);
            return next(context);
        });
        return app;
    }

    public const string JobDashboardPath = "/jobs";

    /// <summary>The Hangfire dashboard at /jobs, for administrators (the authorization policy, not the caller's address, decides).</summary>
    public static WebApplication MapMatchingJobDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(JobDashboardPath, new DashboardOptions
        {
            // No dashboard filters: the endpoint's policy has already let only administrators through.
            Authorization = [],
            DashboardTitle = "Matching jobs",
            AppPath = "/",
        }).RequireAuthorization(Policies.Admin);
        return app;
    }
}

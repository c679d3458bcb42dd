using System.Threading.RateLimiting;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Matching.Web.Accounts;

/// <summary>Policy names. Finer rules (whose record, which visibility) are the <see cref="Viewer"/>'s.</summary>
public static class Policies
{
    public const string Admin = "admin", Staff = "staff";
}

/// <summary>
/// Accounts, sign-in, API keys, authorization, per-client rate limits. Every endpoint requires a signed-in user or a
/// key unless it says <c>AllowAnonymous</c>; pages and the API then apply the viewer's visibility rules.
/// </summary>
public static class AccountsRegistration
{
    public const string Scheme = "Matching";

    public static void AddMatchingAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddDataProtection().SetApplicationName("Matching");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRepository(sp.GetRequiredService<ProtectionKeys>())));

        services.AddIdentityCore<Account>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddUserStore<UserStore>()
            .AddPasswordValidator<PasswordStrength>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AccountClaimsFactory>()
            .AddDefaultTokenProviders();
        // Sessions are checked on every request against the cached user (SessionCheck), not by Identity's interval check.
        services.AddHostedService<AccountChangeWatcher>();
        // Wrong passwords slow the guesser (SignInThrottle) instead of locking the account; an administrator's lock stays.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SignInThrottle>();
        // The client address comes from X-Forwarded-For only when the proxy that sent it is configured as known
        // (Web:KnownProxies, Web:KnownNetworks); otherwise the header is ignored, so nobody can pick their own address.
        services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in configuration.GetSection("Web:KnownProxies").Get<string[]>() ?? [])
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in configuration.GetSection("Web:KnownNetworks").Get<string[]>() ?? [])
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Sign-in cookie or API key", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthentication.Carries(context.Request) ? ApiKeyAuthentication.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "matching.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // The API answers with status codes; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = SessionCheck.ValidatePrincipal;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "matching.af";
            o.HeaderName = AntiforgeryHeader;
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Admin, Roles.Organiser));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(Client(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            // Sign-in attempts from one address: a burst of ten, then one every six seconds (SignInThrottle slows each name too).
            o.AddPolicy(SignInPolicy, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method)) return RateLimitPartition.GetNoLimiter("sign-in:read");
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter("sign-in:" + context.Connection.RemoteIpAddress, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.SignInBurst, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromSeconds(limits.SignInSeconds), QueueLimit = 0, AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: "This client is over its allowance of requests; wait a second and try again.").ExecuteAsync(context.HttpContext);
            };
        });

        services.AddHostedService<FirstAdmin>();
    }

    /// <summary>The rate-limit policy of the sign-in form's POST, per client address.</summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>The header a script sends its antiforgery token in, for API calls made with the sign-in cookie.</summary>
    public const string AntiforgeryHeader = "X-CSRF-Token";

    /// <summary>A rate-limit partition: the user or key when known, else the address.</summary>
    public static string Client(HttpContext context) =>
        context.User.ToViewer() is { IsSignedIn: true } viewer ? viewer.Actor : "ip:" + context.Connection.RemoteIpAddress;

    /// <summary>Authentication, per-client rate limits, authorization, and antiforgery for API calls made with the cookie.</summary>
    public static void UseMatchingAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.Use(async (context, next) =>
        {
            // A cookie rides along with any request a browser makes, so a state-changing API call made with it must
            // prove it comes from this site's pages; programs use an API key, which no other site can send.
            if (context.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && !HttpMethods.IsOptions(context.Request.Method) && context.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme)
            {
                try { await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context); }
                catch (AntiforgeryValidationException)
                {
                    await Results.Problem(statusCode: 400, title: "Missing antiforgery token",
                        detail: $"An API call made with the sign-in cookie needs the page's token in the {AntiforgeryHeader} header; programs use an API key.").ExecuteAsync(context);
                    return;
                }
            }
            // A one-time password is changed before anything else.
            if (context.User.HasClaim(c => c.Type == AccountClaims.MustChangePassword) && !context.Request.Path.StartsWithSegments("/account"))
            {
                if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = StatusCodes.Status403Forbidden;
                else context.Response.Redirect("/account/password");
                return;
            }
            await next(context);
        });
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/jobs/api") || context.Request.Headers.Accept.ToString().Contains("application/json"))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

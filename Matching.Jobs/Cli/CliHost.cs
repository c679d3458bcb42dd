using Matching.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matching.Jobs.Cli;

/// <summary>
/// Builds the host for a verb. The data directory comes from --data, else the Matching__DataDirectory environment
/// variable, else appsettings.json, else ./data — relative paths from the current directory.
/// </summary>
internal static class CliHost
{
    public static HostApplicationBuilder Builder(string? data)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        if (data is not null)
            builder.Configuration[$"{MatchingOptions.SectionName}:{nameof(MatchingOptions.DataDirectory)}"] = Path.GetFullPath(data);
        return builder;
    }

    /// <summary>A host with the engine's services only, quiet logging, for one-shot verbs.</summary>
    public static IHost Services(string? data)
    {
        var builder = Builder(data);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddMatchingEngineServices();
        return builder.Build();
    }
}

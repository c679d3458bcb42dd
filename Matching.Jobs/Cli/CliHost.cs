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
    /// <remarks>With <paramref name="quietModels"/>, the model host logs errors only: the verb says itself which model it scored with, or that it needs none.</remarks>
    public static IHost Services(string? data, bool quietModels = false)
    {
        var builder = Builder(data);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (quietModels) builder.Logging.AddFilter(typeof(Engine.Scoring.ModelHost).FullName, LogLevel.Error);
        builder.Services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddMatchingEngineServices();
        return builder.Build();
    }

    /// <summary>
    /// The engine over a data directory ready to score: migrated, a model loaded (from <paramref name="modelFolders"/>
    /// when given, else where a server would look, then the build's own), the index open read-only and the records'
    /// vectors caught up. Null with <paramref name="error"/> set when the index is missing, or when
    /// <paramref name="requireModel"/> and no model loads.
    /// </summary>
    public static IHost? Scoring(string? data, IReadOnlyList<string>? modelFolders, bool requireModel, out string? error)
    {
        error = null;
        var host = Services(data, quietModels: true);
        Engine.Storage.Migrator.Migrate(host.Services.GetRequiredService<Engine.Storage.MatchingDatabase>());
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MatchingOptions>>().Value;
        var folders = modelFolders ?? host.Services.GetRequiredService<Engine.Scoring.ModelRegistry>().ServingFolders(options)
            .Append(RankingVerbs.DefaultModelFolder()).Distinct().ToList();
        if (host.Services.GetRequiredService<Engine.Scoring.ModelHost>().LoadFirst(folders) is null && requireModel)
        {
            error = $"no model in {string.Join(", ", folders)}";
            host.Dispose();
            return null;
        }
        try { host.Services.GetRequiredService<Engine.Hosting.IndexHost>().OpenReaders(); }
        catch (Exception e) when (e is InvalidOperationException or IOException or Lucene.Net.Index.IndexNotFoundException)
        {
            error = e.Message;
            host.Dispose();
            return null;
        }
        using (var progress = new ConsoleProgress())
            host.Services.GetRequiredService<Engine.Vectors.VectorMaintainer>().CatchUp(progress);
        return host;
    }
}

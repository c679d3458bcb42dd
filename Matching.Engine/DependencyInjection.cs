using Matching.Engine.Candidates;
using Matching.Engine.Demo;
using Matching.Engine.Hosting;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Matching.Engine;

public static class DependencyInjection
{
    /// <summary>The engine: options, database, records, analysis, index, candidates, import, demo data, and its start-up service.</summary>
    public static IHostApplicationBuilder AddMatchingEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<Scoring.LearningOptions>().BindConfiguration(Scoring.LearningOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<Notifications.NotificationOptions>().BindConfiguration(Notifications.NotificationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMatchingEngineServices();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EngineStartup>());
        return builder;
    }

    /// <summary>The engine's services without the hosted start-up service (for the CLI).</summary>
    public static IServiceCollection AddMatchingEngineServices(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MatchingOptions>>().Value is { Database: DatabaseProvider.Postgres } o
            ? MatchingDatabase.Postgres(o.PostgresConnectionString ?? throw new InvalidOperationException("Matching:Database is postgres but Matching:PostgresConnectionString is empty"))
            : new MatchingDatabase(Path.Combine(Data(sp), "matching.db")));
        services.AddSingleton<RecordStore>();
        services.AddSingleton<Accounts.AccountStore>();
        services.AddSingleton<Accounts.ApiKeys>();
        services.AddSingleton<Accounts.AccountCache>();
        services.AddSingleton<Accounts.AuditLog>();
        services.AddSingleton<Accounts.ProtectionKeys>();
        services.AddSingleton<Accounts.PersonalData>();
        services.AddSingleton<ImportRuns>();
        services.AddSingleton<MatchingAnalyzer>();
        services.AddSingleton(sp => TaxonomyFiles.LoadTaxonomy(Data(sp)));
        services.AddSingleton(sp => TaxonomyFiles.LoadSynonyms(Data(sp)));
        services.AddSingleton(sp => new TaxonomyEditor(Data(sp), sp.GetRequiredService<IndustryTaxonomy>(), sp.GetRequiredService<SynonymDictionary>()));
        services.AddSingleton(sp => new IndexHost(sp.GetRequiredService<IOptions<MatchingOptions>>().Value.IndexPath, sp.GetRequiredService<MatchingAnalyzer>()));
        services.AddSingleton(sp => sp.GetRequiredService<IndexHost>().Indexes);
        services.AddSingleton(sp => new IndexMaintainer(sp.GetRequiredService<RecordStore>(), sp.GetRequiredService<IndexSet>()));
        services.AddSingleton<QueryBuilder>();
        services.AddSingleton<SnippetBuilder>();
        services.AddSingleton<CandidateRetriever>();
        services.AddSingleton(sp => new Importer(sp.GetRequiredService<RecordStore>())
        {
            MaxFileBytes = sp.GetRequiredService<IOptions<MatchingOptions>>().Value.MaxImportFileBytes,
        });
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<Scoring.ModelHost>();
        services.AddSingleton(sp => new Scoring.ModelRegistry(sp.GetRequiredService<MatchingDatabase>(), sp.GetRequiredService<MatchingAnalyzer>(), Data(sp)));
        services.AddSingleton<Vectors.RecordVectors>();
        services.AddSingleton<Embeddings.SentenceEncoders>(sp =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MatchingOptions>>().Value.ChineseEncoderDirectory is { Length: > 0 } folder
                ? new Embeddings.SentenceEncoders(Path.GetFullPath(folder)) : Embeddings.SentenceEncoders.Default);
        services.AddSingleton<Candidates.DenseIndexes>();
        services.AddSingleton<Vectors.VectorMaintainer>();
        services.AddSingleton<Features.FeatureExtractor>();
        services.AddSingleton<Scoring.MatchScorer>();
        services.AddSingleton<Scoring.Explainer>();
        services.AddSingleton(sp => new Scoring.Retrainer(sp.GetRequiredService<RecordStore>(), sp.GetRequiredService<Scoring.ModelRegistry>(),
            sp.GetRequiredService<MatchingAnalyzer>(), sp.GetRequiredService<SynonymDictionary>(), sp.GetRequiredService<IndustryTaxonomy>(),
            Path.Combine(Data(sp), "scratch")) { DataPath = Data(sp) });
        services.AddSingleton<Matches.MatchStore>();
        services.AddSingleton<Matches.MatchLists>();
        services.AddSingleton<Matches.MatchMaintainer>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<Events.EventPlanner>();
        services.AddSingleton<Events.EventAgendas>();
        services.AddSingleton<Events.EventDashboard>();
        services.AddSingleton<Notifications.NotificationStore>();
        services.AddSingleton<Notifications.Notifier>();
        services.AddSingleton<EngineStartup>();
        return services;
    }

    private static string Data(IServiceProvider sp) => sp.GetRequiredService<IOptions<MatchingOptions>>().Value.DataPath;
}

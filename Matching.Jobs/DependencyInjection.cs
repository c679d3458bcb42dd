using Hangfire;
using Hangfire.Storage.SQLite;
using Matching.Engine;
using Matching.Jobs.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Matching.Jobs;

public static class DependencyInjection
{
    /// <summary>The queues, in priority order.</summary>
    public static readonly string[] Queues = ["index", "import", "default"];

    /// <summary>
    /// Hangfire on SQLite (its own file, data/hangfire.db), the job classes, and — when <paramref name="runServer"/> —
    /// a job server in this process, which then also owns the index writers.
    /// </summary>
    public static IHostApplicationBuilder AddMatchingJobs(this IHostApplicationBuilder builder, bool? runServer = null)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var jobs = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        var server = runServer ?? jobs.InProcessServer;
        var dataPath = Path.GetFullPath(builder.Configuration[$"{MatchingOptions.SectionName}:{nameof(MatchingOptions.DataDirectory)}"] ?? "data");
        Directory.CreateDirectory(dataPath);

        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseSQLiteStorage(Path.Combine(dataPath, "hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
            }));
        builder.Services.AddTransient<ImportJob>().AddTransient<IndexJob>().AddTransient<MaintenanceJob>();
        builder.Services.PostConfigure<MatchingOptions>(o => o.OwnsIndex = server);
        if (server)
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.Queues = Queues;
                o.WorkerCount = jobs.WorkerCount;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
            builder.Services.AddHostedService<RecurringJobsRegistration>();
        }
        return builder;
    }

    private sealed class RecurringJobsRegistration(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<MaintenanceJob>("close-expired-needs", j => j.CloseExpiredNeeds(), Cron.Hourly());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

using Hangfire;
using Hangfire.PostgreSql;
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
    /// <summary>
    /// The queues, in priority order. "index" is served only by the process that owns the index writers
    /// (<see cref="IndexQueueServer"/>); the others by every job server, unless Jobs:Queues narrows them.
    /// </summary>
    public static readonly string[] Queues = ["index", "embed", "match", "train", "events", "default"];

    /// <summary>
    /// Hangfire on SQLite (its own file, data/hangfire.db), the job classes, and — when <paramref name="runServer"/> —
    /// a job server in this process, which then also owns the index writers.
    /// </summary>
    public static IHostApplicationBuilder AddMatchingJobs(this IHostApplicationBuilder builder, bool? runServer = null)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<Mail.MailOptions>().BindConfiguration(Mail.MailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var jobs = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        var server = runServer ?? jobs.InProcessServer;
        var dataPath = Path.GetFullPath(builder.Configuration[$"{MatchingOptions.SectionName}:{nameof(MatchingOptions.DataDirectory)}"] ?? "data");
        Directory.CreateDirectory(dataPath);

        var matching = builder.Configuration.GetSection(MatchingOptions.SectionName).Get<MatchingOptions>() ?? new MatchingOptions();
        builder.Services.AddHangfire(config => ConfigureStorage(config, matching, jobs, dataPath));
        builder.Services.AddTransient<ImportJob>().AddTransient<IndexJob>().AddTransient<MaintenanceJob>()
            .AddTransient<VectorJob>().AddTransient<MatchJob>().AddTransient<TrainJob>().AddTransient<EventJob>().AddTransient<MailJob>();
        // The engine's notifier hands notifications to e-mail through this; it queues a MailJob for each.
        builder.Services.AddSingleton<Engine.Notifications.INotificationSink, Mail.MailQueue>();
        // The job server owns the shared index's writers; a process with an index folder of its own owns that copy's.
        builder.Services.PostConfigure<MatchingOptions>(o => o.OwnsIndex = server || !string.IsNullOrWhiteSpace(o.IndexDirectory));
        if (server)
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.Queues = jobs.Queues is { Length: > 0 } only ? Queues.Skip(1).Where(only.Contains).ToArray() : Queues[1..];
                o.WorkerCount = jobs.WorkerCount;
                // SIGTERM: jobs get StopTimeout to finish, then their token is cancelled; the host waits for both.
                o.StopTimeout = TimeSpan.FromSeconds(jobs.StopTimeoutSeconds);
                o.ShutdownTimeout = TimeSpan.FromSeconds(jobs.StopTimeoutSeconds + 10);
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(jobs.StopTimeoutSeconds + 20));
            builder.Services.AddHostedService<IndexQueueServer>();
            builder.Services.AddHostedService<ChangeLogWatcher>();
            builder.Services.AddHostedService<RecurringJobsRegistration>();
        }
        return builder;
    }

    /// <summary>
    /// Hangfire's serialisation and job storage. Job storage goes with the records: SQLite beside them (data/hangfire.db)
    /// on one machine, the same PostgreSQL server (schema "hangfire") for several, so every server sees one queue.
    /// </summary>
    public static IGlobalConfiguration ConfigureStorage(IGlobalConfiguration config, MatchingOptions matching, JobsOptions jobs, string dataPath)
    {
        config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseJobDetailsRenderer(10, ProgressRenderer.Render!);
        if (matching.Database == Engine.Storage.DatabaseProvider.Postgres)
            config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(matching.PostgresConnectionString), new PostgreSqlStorageOptions
            {
                QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
            });
        else
            config.UseSQLiteStorage(Path.Combine(dataPath, "hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
            });
        return config;
    }

    private sealed class RecurringJobsRegistration(IRecurringJobManager recurring, IOptions<Matching.Engine.Scoring.LearningOptions> learning,
        IOptions<Mail.MailOptions> mail) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<MaintenanceJob>("close-expired-needs", j => j.CloseExpiredNeeds(), Cron.Hourly());
            // The watcher enqueues catch-ups within a second; this is the floor should it ever be stopped.
            recurring.AddOrUpdate<MatchJob>("match-catch-up", j => j.CatchUp(null, CancellationToken.None), Cron.Minutely());
            recurring.AddOrUpdate<IndexJob>("index-check", j => j.Check(CancellationToken.None), Cron.Daily(3));
            recurring.AddOrUpdate<MaintenanceJob>("cleanup", j => j.Cleanup(), Cron.Daily(4));
            if (learning.Value.NightlyRetrain)
                recurring.AddOrUpdate<TrainJob>("retrain", j => j.Retrain(false, null, CancellationToken.None), learning.Value.RetrainCron);
            else recurring.RemoveIfExists("retrain");
            if (mail.Value.Enabled) recurring.AddOrUpdate<MailJob>("mail-pending", j => j.SendPending(), Cron.Hourly());
            else recurring.RemoveIfExists("mail-pending");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

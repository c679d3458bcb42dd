using Hangfire;
using Matching.Engine.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matching.Jobs.Jobs;

/// <summary>
/// The "index" queue is served only by the process that owns the index writers (one writer per index directory):
/// started after EngineStartup has taken them, with one worker, so a rebuild or a check never lands on a server that
/// could not write.
/// </summary>
public sealed class IndexQueueServer(IndexHost index, JobStorage storage, ILogger<IndexQueueServer> logger) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (index.IsOpen && index.Indexes.CanWrite)
        {
            _server = new BackgroundJobServer(new BackgroundJobServerOptions
            {
                Queues = ["index"], WorkerCount = 1, ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:index",
            }, storage);
            logger.LogInformation("This process owns the index writers and serves the index queue");
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops taking jobs and waits for the running one (the host may call this more than once).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _server, null) is not { } server) return;
        server.SendStop();
        server.Dispose();
    }
}

using System.CommandLine;
using Matching.Engine;
using Microsoft.Extensions.Hosting;

namespace Matching.Jobs.Cli;

/// <summary>serve: a standalone Hangfire job server that owns the index writers.</summary>
internal static class ServeVerb
{
    public static Command Create(Option<string?> data)
    {
        var command = new Command("serve", "Run a job server (owns the index writers; the web app then runs with Jobs__InProcessServer=false)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliHost.Builder(parse.GetValue(data));
            builder.AddMatchingEngine();
            builder.AddMatchingJobs(runServer: true);
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}

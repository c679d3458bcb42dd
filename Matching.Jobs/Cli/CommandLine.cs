using System.CommandLine;
using Matching.Jobs.Bench;

namespace Matching.Jobs.Cli;

/// <summary>The verbs of Matching.Jobs.</summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var data = new Option<string?>("--data") { Description = "the data directory (default ./data, or Matching__DataDirectory, or appsettings.json)", Recursive = true };
        var root = new RootCommand("Matching: job server and command line")
        {
            ServeVerb.Create(data), ImportVerb.Create(data), ReindexVerb.Create(data), SearchVerb.Create(data), RankingVerbs.Train(data), RankingVerbs.Evaluate(data), ScorePairsVerb.Create(data), EventVerbs.SolveEvent(data), EventVerbs.Export(data), EventVerbs.Outcomes(data), ModelsVerb.Create(data), KeysVerb.Create(data), BackupVerbs.Backup(data), BackupVerbs.Restore(data), BenchVerb.Create(data),
        };
        root.Options.Add(data);
        return root;
    }
}

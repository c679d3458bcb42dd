using System.Diagnostics;

namespace Matching.Jobs.Tests.Cli;

/// <summary>Runs Matching.Jobs as a child process, as a user would from a terminal.</summary>
public static class CliRunner
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Matching.Jobs.dll");

    public static Run Invoke(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Matching.Jobs {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Run(process.ExitCode, output.Result, error.Result);
    }

    public static Run Invoke(params string[] args) => Invoke(null, args);
}

using Matching.Engine.Demo;

namespace Matching.Jobs.Tests.Cli;

/// <summary>A scratch folder for one CLI test: a data directory inside it, and demo files copied out on request.</summary>
public abstract class CliScratch : IDisposable
{
    protected CliScratch(string prefix)
    {
        Root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
    }

    protected string Root { get; }

    protected string Data => Path.Combine(Root, "data");

    /// <summary>Writes one embedded demo file into the scratch folder and returns its path.</summary>
    protected string DemoFile(string name)
    {
        var path = Path.Combine(Root, name);
        using var source = DemoSeeder.Open(name);
        using var target = File.Create(path);
        source.CopyTo(target);
        return path;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Matching.Tests.Shared;

/// <summary>
/// A PostgreSQL server of the test's own (initdb + pg_ctl in a temporary folder, loopback, a free port), for tests that
/// stop and start the server — the shared one (<see cref="TestPostgres"/>) serves other tests at the same time. As
/// root it runs as the postgres user, as scripts/postgres-server.sh does.
/// </summary>
public sealed class OwnPostgres : IDisposable
{
    private readonly string _root;
    private readonly string _bin;
    private readonly bool _asPostgres;

    public OwnPostgres()
    {
        _bin = Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin ? bin
            : Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d).LastOrDefault() ?? ""
            : "";
        if (!File.Exists(Path.Combine(_bin, "initdb"))) throw new InvalidOperationException("PostgreSQL is not installed; scripts/test.sh installs it");
        _root = Directory.CreateTempSubdirectory("matching-own-pg-").FullName;
        _asPostgres = Environment.UserName == "root";
        if (_asPostgres) Run("chown", "postgres", _root);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Pg("initdb", "-D", DataFolder, "-U", "matching", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        Start();
        using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=matching;Database=postgres");
        connection.Open();
        using var create = new Npgsql.NpgsqlCommand("CREATE DATABASE matching", connection);
        create.ExecuteNonQuery();
    }

    public int Port { get; }

    /// <summary>The connection string of its "matching" database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=matching;Database=matching";

    private string DataFolder => Path.Combine(_root, "data");

    public void Start() => Pg("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root}", "start");

    /// <summary>Stops the server at once (connections are cut, as when a database host goes away).</summary>
    public void Stop() => Pg("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");

    public void Dispose()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        try { Pg("pg_ctl", "-D", DataFolder, "-m", "fast", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private void Pg(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        if (_asPostgres) Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else Run(path, args);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(); throw new InvalidOperationException($"{file} did not finish"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{output.Result}\n{error.Result}");
    }
}

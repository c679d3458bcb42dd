using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench web: concurrent clients on loopback against a running Matching.Web (start it first: `dotnet run -c Release
/// --project Matching.Web`), each alternating the need page and the need's matches API over the open needs, for a
/// fixed time after a warm-up. Each client sends its own API key, so each has its own rate allowance, as separate
/// users would. Prints the latency percentiles over every request and the count of failed ones (a 429 counts).
/// </summary>
internal static class WebBench
{
    /// <remarks>
    /// With an <paramref name="adminKey"/>, also prints how the server answered the session and key checks of the timed
    /// part: from its account cache or from the database (/health/details, before and after).
    /// </remarks>
    public static async Task<int> Run(Uri server, int clients, TimeSpan duration, int seed, double perClientPerSecond, IReadOnlyList<string> keys, string? adminKey = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        Task<HttpResponseMessage> Get(string path, int client)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", keys[client]);
            return http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        }
        List<string> needs;
        try
        {
            using var first = await Get("/api/v1/needs?pageSize=100", 0);
            if (!first.IsSuccessStatusCode) { Console.Error.WriteLine($"error: the server answered {(int)first.StatusCode} to the first key; is it a live key of this server's database?"); return 2; }
            using var list = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
            needs = list.RootElement.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToList();
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"error: no Matching.Web at {server} ({e.Message}); start it first: dotnet run -c Release --project Matching.Web");
            return 2;
        }
        if (needs.Count == 0) { Console.Error.WriteLine("error: the server has no needs"); return 2; }

        // Warm-up: every need once through both paths, so the timed part measures serving, not first-call work.
        for (var i = 0; i < needs.Count; i++)
        {
            // Spread over the clients' keys, so the warm-up stays within every allowance.
            (await Get($"/needs/{Uri.EscapeDataString(needs[i])}", i % clients)).Dispose();
            (await Get($"/api/v1/needs/{Uri.EscapeDataString(needs[i])}/matches", (i + 1) % clients)).Dispose();
        }

        var lookupsBefore = await Lookups(http, adminKey);
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var requests = 0;
        var stop = Stopwatch.StartNew();
        var interval = perClientPerSecond > 0 ? TimeSpan.FromSeconds(1 / perClientPerSecond) : TimeSpan.Zero;
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var rng = new Random(seed + c);
            // Clients start at random points of their interval, as independent users would, not in lockstep.
            var next = Stopwatch.GetTimestamp() + (long)(rng.NextDouble() * interval.TotalSeconds * Stopwatch.Frequency);
            if (interval > TimeSpan.Zero) await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next));
            while (stop.Elapsed < duration)
            {
                var id = Uri.EscapeDataString(needs[rng.Next(needs.Count)]);
                var path = rng.Next(2) == 0 ? $"/needs/{id}" : $"/api/v1/needs/{id}/matches";
                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await Get(path, c);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref requests);
                // Each client keeps within its allowance: the next request waits for its slot.
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"web: {requests:N0} requests in {stop.Elapsed.TotalSeconds:F0} s ({requests / stop.Elapsed.TotalSeconds:F1}/s) over {needs.Count} needs; p99 {P(0.99):F1} ms");
        if (lookupsBefore is { } before && await Lookups(http, adminKey) is { } after)
            Console.WriteLine($"web: account checks during the run: {after.Memory - before.Memory:N0} from memory, {after.Database - before.Database:N0} from the database");
        Console.WriteLine($"web-bench clients={clients} p50_ms={P(0.5).ToString("F1", CultureInfo.InvariantCulture)} p95_ms={P(0.95).ToString("F1", CultureInfo.InvariantCulture)} errors={errors}");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>The server's account-cache counters from /health/details, or null without an administrator's key.</summary>
    private static async Task<(long Memory, long Database)?> Lookups(HttpClient http, string? adminKey)
    {
        if (adminKey is null) return null;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/details");
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) { Console.Error.WriteLine($"warning: /health/details answered {(int)response.StatusCode} to --admin-key"); return null; }
        using var details = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (details.RootElement.GetProperty("accountLookupsFromMemory").GetInt64(), details.RootElement.GetProperty("accountLookupsFromDatabase").GetInt64());
    }
}

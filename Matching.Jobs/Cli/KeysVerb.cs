using System.CommandLine;
using System.Globalization;
using Matching.Engine.Accounts;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>keys: API keys for programs, from the command line (provisioning, the web benchmark's clients).</summary>
internal static class KeysVerb
{
    public static Command Create(Option<string?> data)
    {
        var name = new Option<string>("--name") { Description = "what the key is for", DefaultValueFactory = _ => "command line" };
        var role = new Option<string>("--role") { Description = "university, enterprise, organiser or admin", DefaultValueFactory = _ => Roles.Organiser };
        var organisation = new Option<string?>("--organisation") { Description = "the organisation's id (its members' role must fit its kind)" };
        var count = new Option<int>("--count") { Description = "how many keys (each its own client, with its own rate allowance)", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--out") { Description = "write the keys to this file, one per line, instead of printing them" };
        var issue = new Command("issue", "Make API keys; each is shown only now") { name, role, organisation, count, output };
        issue.SetAction(parse =>
        {
            var (r, o, n) = (parse.GetValue(role)!, parse.GetValue(organisation), parse.GetValue(count));
            if (!Roles.All.Contains(r)) { Console.Error.WriteLine($"error: --role must be one of {string.Join(", ", Roles.All)}"); return 2; }
            if (n is < 1 or > 1000) { Console.Error.WriteLine("error: --count must be between 1 and 1000"); return 2; }
            using var host = CliHost.Services(parse.GetValue(data));
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            if (o is not null)
            {
                var found = host.Services.GetRequiredService<RecordStore>().GetOrganisation(o);
                if (found is null) { Console.Error.WriteLine($"error: no organisation '{o}'"); return 2; }
                if (!Roles.Fits(r, found.Kind)) { Console.Error.WriteLine($"error: a {found.Kind ?? "kindless"} organisation's keys cannot have the role {r}"); return 2; }
            }
            else if (r is Roles.University or Roles.Enterprise) { Console.Error.WriteLine($"error: a {r} key belongs to an organisation: give --organisation"); return 2; }
            var keys = host.Services.GetRequiredService<ApiKeys>();
            var secrets = Enumerable.Range(0, n).Select(i => keys.Issue(n == 1 ? parse.GetValue(name)! : $"{parse.GetValue(name)} {i + 1}", r, o, "command line").Secret).ToList();
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllLines(file.FullName, secrets);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} key(s) written to {file.FullName}"));
            }
            else secrets.ForEach(Console.WriteLine);
            return 0;
        });
        var list = new Command("list", "Keys (never the secrets): prefix, name, role, organisation, revoked");
        list.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            foreach (var k in host.Services.GetRequiredService<ApiKeys>().List())
                Console.WriteLine($"{k.Id} {k.Prefix}… {k.Role,-10} {k.OrganisationId ?? "-",-16} {k.Name}{(k.RevokedAt is null ? "" : " (revoked)")}");
            return 0;
        });
        var id = new Argument<string>("id");
        var revoke = new Command("revoke", "Revoke a key by its id") { id };
        revoke.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            if (host.Services.GetRequiredService<ApiKeys>().Revoke(parse.GetValue(id)!)) return 0;
            Console.Error.WriteLine("error: no live key with that id");
            return 2;
        });
        return new Command("keys", "API keys: issue, list, revoke") { issue, list, revoke };
    }
}

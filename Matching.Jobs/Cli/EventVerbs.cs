using System.CommandLine;
using Matching.Engine.Events;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>solve-event: generates an event's meetings and schedule from the data directory (the index read-only).</summary>
internal static class EventVerbs
{
    public static Command SolveEvent(Option<string?> data)
    {
        var eventId = new Option<string>("--event") { Description = $"the event's id (the demo event is {DemoEvent.Id})", Required = true };
        var confirm = new Option<bool>("--confirm") { Description = "generate a published event again: meetings both sides confirmed stay, it stays published, and everyone whose meeting moved is told" };
        var command = new Command("solve-event", "Generate an event's match list and schedule (pins, forbids and declines kept)") { eventId, confirm };
        command.SetAction(parse =>
        {
            using var host = CliHost.Scoring(parse.GetValue(data), modelFolders: null, requireModel: false, out var error);
            if (host is null) { Console.Error.WriteLine($"error: {error}"); return 2; }
            var events = host.Services.GetRequiredService<EventStore>();
            var planner = host.Services.GetRequiredService<EventPlanner>();
            var id = parse.GetValue(eventId)!;
            if (events.Get(id) is null && id == DemoEvent.Id) DemoEvent.SeedIfMissing(events, planner);
            else if (events.Get(id) is null) { Console.Error.WriteLine($"error: no event {id}"); return 2; }
            try
            {
                var plan = planner.Generate(id, republish: parse.GetValue(confirm));
                foreach (var warning in plan.Viability.Warnings) Console.WriteLine($"warning: {warning}");
                if (plan.Event.Status == EventStatus.Published && plan.Moved.Count > 0 && host.Services.GetService<Matching.Engine.Notifications.Notifier>() is { } notifier)
                    Console.WriteLine($"{plan.Moved.Count} meetings moved; {notifier.Published(id)} users told");
                Console.WriteLine($"{plan.Event.Name} ({plan.Event.Format}): {plan.Assignment.Meetings.Count} meetings, " +
                    $"{plan.Assignment.EnterprisesCovered} of {plan.Problem.Enterprises.Count} enterprises covered, total score {plan.Assignment.TotalScore:F2}, " +
                    $"{plan.Schedule.Tables} tables over {plan.Event.Slots} slots of {plan.Event.SlotMinutes} min; status {plan.Event.Status}");
                return 0;
            }
            catch (RepublishNotConfirmedException e)
            {
                Console.Error.WriteLine($"error: {e.Reason} (--confirm)");
                return 2;
            }
            catch (MeetingProblemException e)
            {
                Console.Error.WriteLine($"error: {e.Reason}");
                return 2;
            }
            catch (EventRuleException e)
            {
                Console.Error.WriteLine($"error: {e.Reason}");
                return 2;
            }
        });
        return command;
    }

    public static Command Export(Option<string?> data)
    {
        var eventId = new Option<string>("--event") { Description = "the event's id", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "folder to write the files into", Required = true };
        var format = new Option<string[]>("--format") { Description = "csv (all meetings, Excel-ready), html (printable A4 agendas), ics (a calendar per participant)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["csv", "html", "ics"] };
        format.AcceptOnlyFromAmong("csv", "html", "ics");
        var command = new Command("export", "Write an event's meetings and agendas: CSV, printable HTML, iCalendar") { eventId, output, format };
        command.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            var events = host.Services.GetRequiredService<EventStore>();
            var id = parse.GetValue(eventId)!;
            if (events.Get(id) is not { } ev) { Console.Error.WriteLine($"error: no event {id}"); return 2; }
            if (ev.Status == EventStatus.Draft) { Console.Error.WriteLine($"error: event {id} has no meetings yet (run solve-event)"); return 2; }
            var agendas = host.Services.GetRequiredService<EventAgendas>().Agendas(id);
            var folder = parse.GetValue(output)!;
            folder.Create();
            var stem = System.Text.RegularExpressions.Regex.Replace(ev.Id, "[^A-Za-z0-9_-]", "_");
            var formats = parse.GetValue(format)!.ToHashSet();
            var agendaEvent = ev.ForAgenda();
            if (formats.Contains("csv"))
            {
                var file = Path.Combine(folder.FullName, stem + "-meetings.csv");
                using (var stream = File.Create(file))
                    Engine.Events.Exports.AgendaCsv.Write(stream, agendaEvent, agendas.Where(a => a.Role == EventParticipant.Enterprise).SelectMany(a => a.Entries));
                Console.WriteLine(file);
            }
            if (formats.Contains("html"))
            {
                var file = Path.Combine(folder.FullName, stem + "-agendas.html");
                File.WriteAllText(file, Engine.Events.Exports.AgendaPage.Render(agendaEvent, agendas));
                Console.WriteLine(file);
            }
            if (formats.Contains("ics"))
            {
                var calendars = Directory.CreateDirectory(Path.Combine(folder.FullName, stem + "-calendars"));
                foreach (var agenda in agendas)
                    File.WriteAllText(Path.Combine(calendars.FullName, Engine.Events.Exports.AgendaCalendar.FileName(agendaEvent, agenda)), Engine.Events.Exports.AgendaCalendar.Write(agendaEvent, agenda));
                Console.WriteLine($"{calendars.FullName}{Path.DirectorySeparatorChar} ({agendas.Count} calendars)");
            }
            return 0;
        });
        return command;
    }

    public static Command Outcomes(Option<string?> data)
    {
        var eventId = new Option<string>("--event") { Description = "the event's id", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "outcomes CSV: enterprise, offer_kind, offer, attended, stage, amount, reason (or the Chinese headers)", Required = true };
        var command = new Command("outcomes", "Record what came of an event's meetings; they become judgements for the next train") { eventId, file };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(file)!;
            if (!input.Exists) { Console.Error.WriteLine($"error: no file {input.FullName}"); return 2; }
            using var host = CliHost.Services(parse.GetValue(data));
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            var events = host.Services.GetRequiredService<EventStore>();
            var id = parse.GetValue(eventId)!;
            if (events.Get(id) is null) { Console.Error.WriteLine($"error: no event {id}"); return 2; }
            using var stream = input.OpenRead();
            var report = OutcomeFile.Record(events, id, stream);
            foreach (var e in report.Rejected) Console.Error.WriteLine($"line {e.Line}: {e.Reason}");
            Console.WriteLine($"outcomes: {report.Recorded} recorded, {report.Judgements} judgement(s) written, {report.Rejected.Count} rejected");
            return 0;
        });
        return command;
    }
}

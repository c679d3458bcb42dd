using Matching.Engine.Events;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Events;

/// <summary>All events, newest first, with their status and meeting counts.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Matching.Web.Accounts.Policies.Staff)]
public sealed class IndexModel(EventStore events) : PageModel
{
    public IReadOnlyList<(MatchingEvent Event, int Meetings)> Events { get; private set; } = [];

    public void OnGet() => Events = events.List().Select(e => (e, events.Meetings(e.Id).Count)).ToList();
}

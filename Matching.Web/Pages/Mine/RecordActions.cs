namespace Matching.Web.Pages.Mine;

/// <summary>A row's edit and withdraw/restore controls on the "mine" page.</summary>
public sealed record RecordActions(string Kind, string Id, string Status);

using Matching.Engine.Records;

namespace Matching.Web.Pages;

/// <summary>One row of a browse list: the headline fields of a need, result or expert, ready to show in the request's language.</summary>
public sealed record ListEntry(
    string Kind, string Id, string Title, string? OrganisationName, string? Summary, string? Maturity,
    IReadOnlyList<string> Tags, IReadOnlyList<string> Cooperation, IReadOnlyList<(string Label, string Value)> Facts, string? Badge)
{
    /// <summary>The need as given: callers pass the viewer's view of it.</summary>
    public static ListEntry From(TechNeed need, IReadOnlyDictionary<string, string> names)
    {
        var view = need;
        return new("need", view.Id, view.Title, Name(view.Organisation, names), Display.Excerpt(view.Description), view.Maturity,
            view.Industries, view.Cooperation, [(Text.T("预算"), Display.Money(view.Budget)), (Text.T("截止"), Display.Date(view.Deadline))], Display.NeedStatus(need));
    }

    public static ListEntry From(ResearchResult result, IReadOnlyDictionary<string, string> names) =>
        new("result", result.Id, result.Title, Name(result.Organisation, names), Display.Excerpt(result.Abstract), result.Maturity,
            result.Industries, result.Cooperation, [(Text.T("价格"), Display.Money(result.Price))],
            result.Status == RecordStatus.Active ? null : Display.Status(result.Status));

    public static ListEntry From(Expert expert, IReadOnlyDictionary<string, string> names) =>
        new("expert", expert.Id, expert.Title is null ? expert.Name : $"{expert.Name} {expert.Title}", Name(expert.Organisation, names),
            Display.Excerpt(expert.Bio), null, expert.Areas, [], [], null);

    private static string? Name(string? organisation, IReadOnlyDictionary<string, string> names) =>
        organisation is null ? null : names.GetValueOrDefault(organisation, organisation);
}

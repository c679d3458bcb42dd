namespace Matching.Engine.Accounts;

/// <summary>The four roles of the site. A user has exactly one.</summary>
public static class Roles
{
    public const string University = "university", Enterprise = "enterprise", Organiser = "organiser", Admin = "admin";

    public static readonly IReadOnlyList<string> All = [University, Enterprise, Organiser, Admin];

    /// <summary>The role of the members of an organisation of <paramref name="kind"/> (agencies organise events).</summary>
    public static string? ForOrganisationKind(string? kind) => kind switch
    {
        "university" or "institute" => University,
        "enterprise" => Enterprise,
        "agency" => Organiser,
        _ => null,
    };

    /// <summary>Whether members of an organisation of <paramref name="kind"/> may hold <paramref name="role"/>.</summary>
    public static bool Fits(string role, string? kind) => role switch
    {
        University => kind is "university" or "institute",
        Enterprise => kind is "enterprise",
        // Organisers and administrators may belong to an agency or to nobody.
        _ => kind is null or "agency",
    };
}

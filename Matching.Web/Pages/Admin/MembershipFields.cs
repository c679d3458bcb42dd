namespace Matching.Web.Pages.Admin;

/// <summary>What the role and organisation fields show: the form's prefix, the chosen values, their errors and the choices.</summary>
public sealed record MembershipFields(
    string Prefix, string? Role, string? OrganisationId, string? RoleError, string? OrganisationError,
    IReadOnlyList<(string Id, string Name, string? Kind)> Organisations);

using Matching.Engine.Records;

namespace Matching.Engine.Accounts;

/// <summary>
/// Who is looking, for the visibility rules every page, API, export and search applies. Organisers and
/// administrators see every record in full; an organisation sees its own in full; everyone else sees a need or
/// result that is "summary" by its public fields only and one that is "organisers" not at all, and no withdrawn
/// record. <paramref name="Actor"/> names the user or key for the audit log.
/// </summary>
public sealed record Viewer(string Actor, string? Role, string? OrganisationId)
{
    public static readonly Viewer Anonymous = new("anonymous", null, null);

    /// <summary>The engine itself (jobs, command line): sees everything.</summary>
    public static readonly Viewer System = new("system", Roles.Admin, null);

    public bool IsSignedIn => Role is not null;

    /// <summary>The account id of a signed-in user; null for a program with an API key, the engine, or nobody.</summary>
    public string? UserId => Actor.StartsWith(Account.ActorPrefix, StringComparison.Ordinal) ? Actor[Account.ActorPrefix.Length..] : null;
    public bool IsAdmin => Role == Roles.Admin;
    public bool IsStaff => Role is Roles.Admin or Roles.Organiser;

    public bool Owns(string? organisationId) => organisationId is not null && OrganisationId is not null && organisationId == OrganisationId;

    /// <summary>
    /// Which kinds this viewer's role publishes (forms, API, imports): administrators all, universities results and
    /// experts, enterprises needs, organisers judgements.
    /// </summary>
    public bool MayPublish(RecordKind kind) => IsAdmin || kind switch
    {
        RecordKind.Result or RecordKind.Expert => Role == Roles.University,
        RecordKind.Need => Role == Roles.Enterprise,
        RecordKind.Judgement => IsStaff,
        _ => false,
    };

    /// <summary>Administrators edit anything; everyone else only their own organisation's records.</summary>
    public bool MayEdit(string? organisationId) => IsAdmin || Owns(organisationId);

    private bool Privileged(string? organisationId) => IsStaff || Owns(organisationId);

    /// <summary>The need as this viewer may see it, or null when they may not see it at all.</summary>
    public TechNeed? View(TechNeed need) =>
        Privileged(need.Organisation) ? need
        : need.Status != RecordStatus.Active || need.Visibility == "organisers" ? null
        : need.Visibility == "public" ? need : need.PublicView();

    /// <summary>The result as this viewer may see it, or null.</summary>
    public ResearchResult? View(ResearchResult result) =>
        Privileged(result.Organisation) ? result
        : result.Status != RecordStatus.Active || result.Visibility == "organisers" ? null
        : result.Visibility == "public" ? result : result.PublicView();

    /// <summary>The expert as this viewer may see them, or null: outside their organisation and the organisers, only an active expert who consented to a public profile.</summary>
    public Expert? View(Expert expert) =>
        Privileged(expert.Organisation) || (expert.Status == RecordStatus.Active && expert.PublicProfile) ? expert : null;

    public Organisation? View(Organisation organisation) =>
        IsStaff || Owns(organisation.Id) || organisation.Status == RecordStatus.Active ? organisation : null;

    /// <summary>Whether this viewer sees the need's whole text (and so its text in snippets).</summary>
    public bool SeesInFull(TechNeed need) => Privileged(need.Organisation) || need.Visibility == "public";

    public bool SeesInFull(ResearchResult result) => Privileged(result.Organisation) || result.Visibility == "public";

    /// <summary>A need's match lists and explanations are its enterprise's and the organisers' to read.</summary>
    public bool MaySeeMatchesOf(TechNeed need) => Privileged(need.Organisation);

    /// <summary>Which needs fit a result or an expert is their organisation's and the organisers' to read.</summary>
    public bool MaySeeMatchesOf(string? organisationId) => Privileged(organisationId);
}

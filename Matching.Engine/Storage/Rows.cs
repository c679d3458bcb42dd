using Matching.Engine.Records;

namespace Matching.Engine.Storage;

// Dapper materialises these flat rows; the records keep lists and ranges. Columns are aliased in the SQL.
internal sealed class OrganisationRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Kind { get; set; }
    public string Aliases { get; set; } = "[]";
    public string? ParentId { get; set; }
    public string? Region { get; set; }
    public string? Zone { get; set; }
    public string Status { get; set; } = RecordStatus.Active;
    public string UpdatedAt { get; set; } = "";

    public const string Columns = "id AS Id, name AS Name, kind AS Kind, aliases AS Aliases, parent_id AS ParentId, region AS Region, zone AS Zone, status AS Status, updated_at AS UpdatedAt";

    public Organisation ToRecord() => new()
    {
        Id = Id, Name = Name, Kind = Kind, Aliases = JsonList.Read(Aliases), Parent = ParentId,
        Region = Region, Zone = Zone, Status = Status, UpdatedAt = Rows.Time(UpdatedAt),
    };
}

internal sealed class ResultRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Abstract { get; set; }
    public string Keywords { get; set; } = "[]";
    public string? OrganisationId { get; set; }
    public string Experts { get; set; } = "[]";
    public string Industries { get; set; } = "[]";
    public string? Maturity { get; set; }
    public string Cooperation { get; set; } = "[]";
    public double? PriceMin { get; set; }
    public double? PriceMax { get; set; }
    public string? Language { get; set; }
    public string Visibility { get; set; } = "public";
    public string Status { get; set; } = RecordStatus.Active;
    public string UpdatedAt { get; set; } = "";

    public const string Columns = "id AS Id, title AS Title, abstract AS Abstract, keywords AS Keywords, organisation_id AS OrganisationId, experts AS Experts, industries AS Industries, maturity AS Maturity, cooperation AS Cooperation, price_min AS PriceMin, price_max AS PriceMax, language AS Language, visibility AS Visibility, status AS Status, updated_at AS UpdatedAt";

    public ResearchResult ToRecord() => new()
    {
        Id = Id, Title = Title, Abstract = Abstract, Keywords = JsonList.Read(Keywords), Organisation = OrganisationId,
        Experts = JsonList.Read(Experts), Industries = JsonList.Read(Industries), Maturity = Maturity,
        Cooperation = JsonList.Read(Cooperation), Price = Rows.Range(PriceMin, PriceMax), Language = Language,
        Visibility = Visibility, Status = Status, UpdatedAt = Rows.Time(UpdatedAt),
    };
}

internal sealed class ExpertRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? OrganisationId { get; set; }
    public string? Title { get; set; }
    public string Areas { get; set; } = "[]";
    public string? Bio { get; set; }
    public long PublicProfile { get; set; }
    public string Status { get; set; } = RecordStatus.Active;
    public string UpdatedAt { get; set; } = "";

    public const string Columns = "id AS Id, name AS Name, organisation_id AS OrganisationId, title AS Title, areas AS Areas, bio AS Bio, public_profile AS PublicProfile, status AS Status, updated_at AS UpdatedAt";

    public Expert ToRecord() => new()
    {
        Id = Id, Name = Name, Organisation = OrganisationId, Title = Title, Areas = JsonList.Read(Areas), Bio = Bio,
        PublicProfile = PublicProfile != 0, Status = Status, UpdatedAt = Rows.Time(UpdatedAt),
    };
}

internal sealed class NeedRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string Keywords { get; set; } = "[]";
    public string? OrganisationId { get; set; }
    public string Industries { get; set; } = "[]";
    public string? Zone { get; set; }
    public string? Maturity { get; set; }
    public string Cooperation { get; set; } = "[]";
    public double? BudgetMin { get; set; }
    public double? BudgetMax { get; set; }
    public string? Deadline { get; set; }
    public string Visibility { get; set; } = "public";
    public string? Language { get; set; }
    public string Status { get; set; } = RecordStatus.Active;
    public string UpdatedAt { get; set; } = "";

    public const string Columns = "id AS Id, title AS Title, description AS Description, keywords AS Keywords, organisation_id AS OrganisationId, industries AS Industries, zone AS Zone, maturity AS Maturity, cooperation AS Cooperation, budget_min AS BudgetMin, budget_max AS BudgetMax, deadline AS Deadline, visibility AS Visibility, language AS Language, status AS Status, updated_at AS UpdatedAt";

    public TechNeed ToRecord() => new()
    {
        Id = Id, Title = Title, Description = Description, Keywords = JsonList.Read(Keywords), Organisation = OrganisationId,
        Industries = JsonList.Read(Industries), Zone = Zone, Maturity = Maturity, Cooperation = JsonList.Read(Cooperation),
        Budget = Rows.Range(BudgetMin, BudgetMax), Deadline = Deadline is null ? null : DateOnly.Parse(Deadline, System.Globalization.CultureInfo.InvariantCulture),
        Visibility = Visibility, Language = Language, Status = Status, UpdatedAt = Rows.Time(UpdatedAt),
    };
}

internal static class Rows
{
    public static MoneyRange? Range(double? min, double? max) =>
        min is null && max is null ? null : new MoneyRange((decimal?)min, (decimal?)max);

    public static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : null;

    public static string Now() => DateTimeOffset.UtcNow.ToString("O");
}

namespace Matching.Engine.Import;

/// <summary>Field-length and size caps. A row over a cap is rejected naming the field and the limit.</summary>
public static class ImportLimits
{
    public const int Id = 128;
    public const int Name = 300;
    public const int Title = 500;
    public const int LongText = 20_000;
    public const int Bio = 10_000;
    public const int ShortText = 100;
    public const int ListItems = 50;
    public const int ListItemLength = 100;
    public const int Experts = 200;
    /// <summary>A row (line) longer than this is rejected without being parsed.</summary>
    public const int RowBytes = 16 * 1024 * 1024;
    public const decimal MaxMoney = 10_000_000m;
}

namespace Matching.Web.Pages;

/// <summary>How the forms read optional text fields.</summary>
public static class FormValues
{
    /// <summary>Null for nothing but white space, else the value trimmed.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

using System.ComponentModel.DataAnnotations;

namespace Matching.Engine.Notifications;

/// <summary>When the site tells people about things.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>
    /// A result or expert whose calibrated match score (0–1, comparable across needs) reaches this is a strong match:
    /// the need's enterprise is told once when it enters the need's list.
    /// </summary>
    [Range(0.0, 1.0)]
    public double StrongMatchScore { get; set; } = 0.8;
}

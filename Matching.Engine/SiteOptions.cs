using System.ComponentModel.DataAnnotations;

namespace Matching.Engine;

/// <summary>Where people reach the site, for links that leave it (e-mails, calendar files).</summary>
public sealed class SiteOptions
{
    public const string SectionName = "Site";

    /// <summary>The site's public address, e.g. https://matching.example.cn (a path under it is kept).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>An absolute address for a path on the site (<paramref name="path"/> starts with '/').</summary>
    public string Absolute(string path) => BaseUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}

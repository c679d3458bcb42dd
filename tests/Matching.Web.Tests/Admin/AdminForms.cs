using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matching.Engine.Accounts;

namespace Matching.Web.Tests.Admin;

/// <summary>What the admin tests share: a signed-in administrator's browser and posting a page's form with its token.</summary>
internal static partial class AdminForms
{
    public static async Task<HttpClient> AdminBrowser(MatchingWebFactory factory)
    {
        var (name, password) = await factory.CreateUser(Roles.Admin);
        return await factory.SignedInClient(name, password);
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of the form on <paramref name="page"/>.</summary>
    public static async Task<HttpResponseMessage> Post(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await MatchingWebFactory.FormToken(client, page);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>The text of the element with this id (a one-time password, a new key).</summary>
    public static string? Shown(string html, string id) =>
        Regex.Match(html, $"id=\"{id}\">([^<]+)<") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>The messages a page shows in its alerts and beside its fields.</summary>
    public static string Errors(string html) =>
        string.Join(" | ", ErrorText().Matches(html).Select(m => WebUtility.HtmlDecode(Tag().Replace(m.Groups[2].Value, " ").Trim())).Where(t => t.Length > 0));

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex("<(p|div|span)[^>]*(?:role=\"alert\"|class=\"field-error[^\"]*\")[^>]*>(.*?)</\\1>", RegexOptions.Singleline)]
    private static partial Regex ErrorText();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}

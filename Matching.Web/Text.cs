using System.Globalization;
using System.Resources;
using Matching.Engine.Messages;

namespace Matching.Web;

/// <summary>
/// The site's words. Chinese is the source language: a string's key is its zh-CN text, and Resources/Text.en.resx
/// holds the English. Views use the injected <c>L["…"]</c> (an IStringLocalizer of this type); code that has no
/// localizer at hand (display helpers, validation messages) uses <see cref="T(string)"/>. A test checks every key
/// used in the code has its English.
/// <para>Where one Chinese word needs two English ones (成果 is the navigation's "Results" and a meeting's "Outcome"),
/// the key carries a context after a bar, <c>Text.T("成果|outcome")</c>; Chinese shows the part before it. Such keys go
/// through <see cref="T(string)"/>, since the localizer would show the bar.</para>
/// </summary>
public sealed class Text
{
    public const string Chinese = "zh-CN", English = "en";
    public static readonly IReadOnlyList<string> Cultures = [Chinese, English];

    private static readonly ResourceManager Resources = new("Matching.Web.Resources.Text", typeof(Text).Assembly);

    /// <summary>The text in the current UI culture (the key itself in Chinese, without any "|context").</summary>
    public static string T(string key) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" ? WithoutContext(key) : Resources.GetString(key, CultureInfo.CurrentUICulture) ?? WithoutContext(key);

    public static string T(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, T(key), args.Select(a => a is Message m ? T(m) : a).ToArray());

    /// <summary>An engine message (a rule's reason, an import rejection) in the current UI culture.</summary>
    public static string T(Message message) => message.Render(CultureInfo.CurrentUICulture);

    private static string WithoutContext(string key) => key.IndexOf('|') is var bar and >= 0 ? key[..bar] : key;

    /// <summary>Whether the page is being shown in English.</summary>
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
}

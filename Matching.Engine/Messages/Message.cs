using System.Globalization;
using System.Resources;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Matching.Engine.Messages;

/// <summary>
/// A sentence a person reads, kept as a code and its arguments so that each front door says it in its reader's
/// language: the engine's rules return these (import rejections, participant refusals, why-not, viability, pin
/// rules), the web renders them in the page's culture, the API sends the code, the arguments and the text, the CLI
/// prints them in the terminal's language. The texts are <c>Messages/Texts.resx</c> (Chinese, the source language)
/// and <c>Texts.en.resx</c>, keyed by the code; a test checks every code the engine uses has both, with the same
/// placeholders.
/// <para>Arguments are data (an id, a field name, a number, a value the user gave): they are shown as they are, never
/// translated, and a page marks them so (<c>translate="no"</c>).</para>
/// </summary>
[JsonConverter(typeof(MessageJsonConverter))]
public sealed class Message : IEquatable<Message>
{
    /// <summary>The code of a text that came from outside as it is (a stored report written before codes, a library's own message).</summary>
    public const string Verbatim = "Verbatim";

    private static readonly ResourceManager Texts = new("Matching.Engine.Messages.Texts", typeof(Message).Assembly);
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN"), English = CultureInfo.GetCultureInfo("en");

    public Message(string code, IReadOnlyList<string> args)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        Args = args;
    }

    public string Code { get; }
    public IReadOnlyList<string> Args { get; }

    /// <summary>A message with its arguments written as text (numbers with thousands separators, the same in both languages).</summary>
    public static Message Of(string code, params object?[] args) => new(code, args.Select(Format).ToArray());

    /// <summary>
    /// A word the reader's language has its own text for (an event status, a record kind, a role), as an argument
    /// of another message: it is translated where the message is shown, not written down in one language.
    /// </summary>
    public static string Term(string code) => TermMark + code;

    private const char TermMark = '\u0001';

    private const char ArgMark = '\u0002';

    // A term or a whole message given as an argument is kept as its code (and arguments) and said in the reader's language.
    private string Arg(int index, CultureInfo culture)
    {
        if (index >= Args.Count) return "";
        var a = Args[index];
        if (a is not { Length: > 1 } || a[0] != TermMark) return a;
        var parts = a[1..].Split(ArgMark);
        return parts.Length == 1 ? Texts.GetString(parts[0], Pick(culture)) ?? parts[0] : new Message(parts[0], parts[1..]).Render(culture);
    }

    private bool IsTerm(int index) => index < Args.Count && Args[index] is { Length: > 1 } a && a[0] == TermMark;

    /// <summary>Text from outside that has no code (shown as it is in every language).</summary>
    public static Message Text(string text) => new(Verbatim, [text]);

    private static string Format(object? arg) => arg switch
    {
        null => "",
        string s => s,
        Message m => TermMark + m.Code + string.Concat(m.Args.Select(x => ArgMark + x)),
        int or long => string.Format(CultureInfo.InvariantCulture, "{0:N0}", arg),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => arg.ToString() ?? "",
    };

    private static CultureInfo Pick(CultureInfo culture) => culture.TwoLetterISOLanguageName == "zh" ? Chinese : English;

    /// <summary>The sentence in the culture's language: Chinese for zh, English otherwise.</summary>
    public string Render(CultureInfo culture)
    {
        if (Code == Verbatim) return string.Join(" ", Args);
        var template = Texts.GetString(Code, Pick(culture));
        if (template is null) return Code + (Args.Count > 0 ? ": " + string.Join(", ", Args) : "");
        return string.Format(CultureInfo.InvariantCulture, template, Enumerable.Range(0, Args.Count).Select(i => (object)Arg(i, culture)).ToArray());
    }

    /// <summary>The sentence split into template text and arguments, for a page that marks arguments as data.</summary>
    public IEnumerable<(string Text, bool IsArgument)> Parts(CultureInfo culture)
    {
        if (Code == Verbatim) { yield return (string.Join(" ", Args), true); yield break; }
        var template = Texts.GetString(Code, Pick(culture));
        if (template is null) { yield return (Render(culture), false); yield break; }
        foreach (var (text, index) in Split(template))
            yield return index is { } n ? (Arg(n, culture), !IsTerm(n)) : (text, false);
    }

    /// <summary>
    /// A composite-format template ("{0} 长 {1} 个字符") as its literal pieces (index null) and its placeholders (the
    /// argument's index; a format after a colon is ignored); "{{" and "}}" are literal braces. Pages that mark
    /// arguments as data split a sentence with this too.
    /// </summary>
    public static IEnumerable<(string Text, int? Index)> Split(string template)
    {
        var i = 0;
        var literal = new System.Text.StringBuilder();
        while (i < template.Length)
        {
            var c = template[i];
            if (c is '{' or '}' && i + 1 < template.Length && template[i + 1] == c) { literal.Append(c); i += 2; continue; }
            if (c == '{' && template.IndexOf('}', i) is var end and > 0)
            {
                var spec = template[(i + 1)..end];
                var colon = spec.IndexOf(':');
                if (int.TryParse(colon < 0 ? spec : spec[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    if (literal.Length > 0) { yield return (literal.ToString(), null); literal.Clear(); }
                    yield return ("", index);
                    i = end + 1;
                    continue;
                }
            }
            literal.Append(c);
            i++;
        }
        if (literal.Length > 0) yield return (literal.ToString(), null);
    }

    /// <summary>The sentence in the current UI culture's language (a page's, a request's; English in a terminal that is not set to Chinese).</summary>
    public override string ToString() => Render(CultureInfo.CurrentUICulture);

    public bool Equals(Message? other) => other is not null && Code == other.Code && Args.SequenceEqual(other.Args);
    public override bool Equals(object? obj) => obj is Message m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(Code, Args.Count);
}

/// <summary>
/// A message in JSON: <c>{"code", "args", "text"}</c>, the text in the current UI culture (the request's, on the web).
/// Reading takes the code and arguments, or a plain string (a report stored before messages had codes).
/// </summary>
public sealed class MessageJsonConverter : JsonConverter<Message>
{
    public override Message? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType == JsonTokenType.String) return Message.Text(reader.GetString()!);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var code = Property(root, "code")?.GetString() ?? Message.Verbatim;
        var args = Property(root, "args") is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(e => e.ToString()).ToArray()
            : [Property(root, "text")?.GetString() ?? ""];
        return new Message(code, args);
    }

    private static JsonElement? Property(JsonElement e, string name) =>
        e.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    public override void Write(Utf8JsonWriter writer, Message value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("code", value.Code);
        writer.WriteStartArray("args");
        foreach (var a in value.Args) writer.WriteStringValue(a);
        writer.WriteEndArray();
        writer.WriteString("text", value.Render(CultureInfo.CurrentUICulture));
        writer.WriteEndObject();
    }
}

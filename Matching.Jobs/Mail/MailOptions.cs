using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Matching.Jobs.Mail;

/// <summary>The SMTP server notifications are e-mailed through. Mail is on when <see cref="Host"/> is set.</summary>
public sealed class MailOptions : IValidatableObject
{
    public const string SectionName = "Mail";

    /// <summary>The SMTP server's host name; empty turns e-mail off (notifications stay on the site).</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>The sender, e.g. <c>校企双进匹配平台 &lt;noreply@example.cn&gt;</c>; required when mail is on.</summary>
    public string? From { get; set; }

    /// <summary>Signs in to the server when set.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Requires STARTTLS on the connection (off: a plain connection, for a relay on the same host or network).</summary>
    public bool UseStartTls { get; set; } = true;

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Host))]
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>
    /// The parsed sender; valid once the options are. A method, not a property: options validation reads every
    /// property, and with mail off there is no sender to parse.
    /// </summary>
    public MailboxAddress Sender() => MailboxAddress.Parse(From ?? throw new InvalidOperationException("Mail:From is not set"));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        if (string.IsNullOrWhiteSpace(From) || !MailboxAddress.TryParse(From, out _))
            yield return new ValidationResult("Mail:From must be one sender address (e.g. Matching <noreply@example.cn>) when Mail:Host is set", [nameof(From)]);
        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
            yield return new ValidationResult("Mail:Password is required with Mail:UserName", [nameof(Password)]);
    }
}

namespace Matching.Engine.Messages;

/// <summary>How a rule answered: done, or refused as not found, invalid (naming the field), or in conflict with the state.</summary>
public enum RuleStatus { Ok, NotFound, Invalid, Conflict }

/// <summary>
/// What an engine rule decided, with the reason a person reads when it refused. Front doors only translate it: the
/// API to 404 / 400 (ProblemDetails naming the field) / 409 with the message's code, pages to their notice, the CLI
/// to an exit code and the message.
/// </summary>
public sealed record RuleResult(RuleStatus Status, Message? Reason = null, string? Field = null)
{
    public static readonly RuleResult Done = new(RuleStatus.Ok);

    public bool Ok => Status == RuleStatus.Ok;

    public static RuleResult NotFound(Message reason) => new(RuleStatus.NotFound, reason);

    public static RuleResult Invalid(Message reason, string? field = null) => new(RuleStatus.Invalid, reason, field);

    public static RuleResult Conflict(Message reason) => new(RuleStatus.Conflict, reason);
}

using Matching.Engine.Messages;

namespace Matching.Web.Apis;

/// <summary>
/// The API's translation of the engine's rule answers and messages: 404, 400 (ValidationProblem naming the field) or
/// 409, each ProblemDetails carrying the message's code and arguments beside its text in the request's language.
/// </summary>
public static class RuleResults
{
    public static IResult ToHttp(this RuleResult result, Func<IResult>? ok = null) => result.Status switch
    {
        RuleStatus.Ok => ok?.Invoke() ?? Results.NoContent(),
        RuleStatus.NotFound => Problem(StatusCodes.Status404NotFound, result.Reason!),
        RuleStatus.Invalid => Invalid(result.Field ?? "body", result.Reason!),
        _ => Problem(StatusCodes.Status409Conflict, result.Reason!),
    };

    /// <summary>ProblemDetails for a message: its text as the detail, its code and arguments as extensions.</summary>
    public static IResult Problem(int status, Message reason) =>
        Results.Problem(statusCode: status, title: Title(status), detail: Text.T(reason), extensions: Extensions(reason));

    /// <summary>400 naming the field, with the message's code.</summary>
    public static IResult Invalid(string field, Message reason) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [Text.T(reason)] }, title: Title(StatusCodes.Status400BadRequest), extensions: Extensions(reason));

    private static Dictionary<string, object?> Extensions(Message reason) => new() { ["code"] = reason.Code, ["args"] = reason.Args };

    private static string Title(int status) => status switch
    {
        StatusCodes.Status404NotFound => Text.T("未找到"),
        StatusCodes.Status400BadRequest => Text.T("输入有误"),
        StatusCodes.Status422UnprocessableEntity => Text.T("无法完成"),
        _ => Text.T("与当前状态冲突"),
    };
}

using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Matching.Web.Accounts;

/// <summary>
/// Refuses guessable passwords: besides the length rule, a strength estimate (zxcvbn: dictionaries of common passwords,
/// names and words, keyboard patterns, dates, repeats, and the user's own name and e-mail) must reach
/// <see cref="MinimumScore"/> on its 0–4 scale — "password123", "qwertyuiop1" and the user name with a digit do not.
/// </summary>
public sealed class PasswordStrength : IPasswordValidator<Account>
{
    /// <summary>zxcvbn's score: 3 is "safely unguessable: moderate protection from an offline slow-hash scenario".</summary>
    public const int MinimumScore = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        var inputs = new[] { user.UserName, user.Email, user.DisplayName, "matching", "xiaoqi", "校企双进" }.OfType<string>().Where(s => s.Length > 0);
        var estimate = Zxcvbn.Zxcvbn.MatchPassword(password, inputs);
        return Task.FromResult(estimate.Score >= MinimumScore
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "PasswordTooGuessable", Description = Text.T("这个密码太容易被猜到（常见密码、单词或用户名加数字）。请用更长的、不常见的词组合。") }));
    }
}

using System.Globalization;
using Matching.Engine.Notifications;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Notifications;

/// <summary>The signed-in user's notifications, newest first; unread ones marked; mark one or all read.</summary>
public sealed class IndexModel(NotificationStore notifications) : PageModel
{
    public const int PageSize = 20;

    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public NotificationPage List { get; private set; } = new([], 0, 1, PageSize);
    public long Unread { get; private set; }

    /// <summary>False for a program signed in with an API key: notifications are people's.</summary>
    public bool ForUser { get; private set; }

    public Pager Pager => new(List.Page, List.Pages, p => "/notifications?page=" + p.ToString(CultureInfo.InvariantCulture));

    public void OnGet()
    {
        if (User.ToViewer().UserId is not { } user) return;
        ForUser = true;
        List = notifications.For(user, Math.Clamp(PageNumber, 1, 10_000), PageSize);
        Unread = notifications.UnreadCount(user);
    }

    public IActionResult OnPostRead(long id)
    {
        if (User.ToViewer().UserId is { } user) notifications.MarkRead(user, id);
        return Back();
    }

    public IActionResult OnPostReadAll()
    {
        if (User.ToViewer().UserId is { } user) notifications.MarkAllRead(user);
        return Back();
    }

    /// <summary>Only a path on this site is linked (the engine writes nothing else; this keeps it so).</summary>
    public static bool IsLocal(string? link) => link is { Length: > 1 } && link[0] == '/' && link[1] is not ('/' or '\\');

    private RedirectResult Back() => Redirect("/notifications" + (PageNumber > 1 ? "?page=" + PageNumber.ToString(CultureInfo.InvariantCulture) : ""));
}

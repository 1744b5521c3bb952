"""URLs of the drives pages (included by recruitment/urls.py)."""

from django.urls import URLPattern, path

from recruitment.views import drives, reminders

urlpatterns: list[URLPattern] = [
    path("drives/", drives.drives, name="drives"),
    path("drives/<str:code>/", drives.drive, name="drive"),
    path("drives/<str:code>/calendar.ics", drives.drive_calendar, name="drive-calendar"),
    path("drives/<str:code>/poster/", drives.poster, name="drive-poster"),
    path("drives/<str:code>/join/", drives.join, name="drive-join"),
    path("drives/<str:code>/sign-up/", drives.signup, name="drive-signup"),
    path("drives/<str:code>/signed-up/", drives.signed_up, name="drive-signed-up"),
    # Before the token's pattern, which would otherwise take "cancelled" for a token.
    path("drive-signup/cancelled/", drives.manage_cancelled, name="drive-signup-cancelled"),
    path("drive-signup/<str:token>/", drives.manage, name="drive-signup-manage"),
    path(
        "drive-signup/<str:token>/calendar.ics",
        drives.manage_calendar,
        name="drive-signup-calendar",
    ),
    path("drive-signup/<str:token>/cancel/", drives.manage_cancel, name="drive-signup-cancel"),
    path("drive-signup/<str:token>/window/", drives.manage_window, name="drive-signup-window"),
    path(
        "drive-signup/<str:token>/confirm/", reminders.signup_confirm, name="drive-signup-confirm"
    ),
]

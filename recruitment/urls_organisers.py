"""URLs of the organisers pages (included by recruitment/urls.py).

Every name starts with "organiser-"; every page of a drive takes its `code` (the access tests
walk this list, so a page added here is checked for strangers' access without being named)."""

from django.urls import URLPattern, path

from recruitment.views import organisers, organisers_desk

urlpatterns: list[URLPattern] = [
    path("organisers/", organisers.home, name="organiser-home"),
    path("organisers/sign-in/", organisers.sign_in, name="organiser-sign-in"),
    path("organisers/sign-out/", organisers.sign_out, name="organiser-sign-out"),
    path("organisers/password/done/", organisers.password_done, name="organiser-password-done"),
    path("organisers/password/reset/", organisers.password_reset, name="organiser-password-reset"),
    path(
        "organisers/password/<uidb64>/<token>/",
        organisers.password_set,
        name="organiser-password",
    ),
    path("organisers/drives/<str:code>/", organisers.dashboard, name="organiser-drive"),
    path("organisers/drives/<str:code>/edit/", organisers.edit, name="organiser-drive-edit"),
    path("organisers/drives/<str:code>/submit/", organisers.submit, name="organiser-submit"),
    path("organisers/drives/<str:code>/invite/", organisers.invite, name="organiser-invite"),
    path("organisers/drives/<str:code>/message/", organisers.message, name="organiser-message"),
    path("organisers/drives/<str:code>/cancel/", organisers.cancel, name="organiser-cancel"),
    path("organisers/drives/<str:code>/finish/", organisers.finish, name="organiser-finish"),
    path(
        "organisers/drives/<str:code>/sign-ups/",
        organisers_desk.signups,
        name="organiser-signups",
    ),
    path(
        "organisers/drives/<str:code>/sign-ups.csv",
        organisers_desk.signups_csv,
        name="organiser-signups-csv",
    ),
    path(
        "organisers/drives/<str:code>/check-in/",
        organisers_desk.checkin_page,
        name="organiser-checkin",
    ),
    path(
        "organisers/drives/<str:code>/check-in/search/",
        organisers_desk.checkin_search,
        name="organiser-checkin-search",
    ),
    path(
        "organisers/drives/<str:code>/check-in/<int:signup_id>/",
        organisers_desk.checkin_tap,
        name="organiser-checkin-tap",
    ),
    path(
        "organisers/drives/<str:code>/walk-in/",
        organisers_desk.walk_in,
        name="organiser-walkin",
    ),
]

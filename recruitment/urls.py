from django.urls import include, path

from recruitment.views import appointments, eligibility, pages, reminders, sites, staff, waitlist

urlpatterns = [
    path("", pages.home, name="home"),
    path("how-to-join/", pages.page, {"slug": "how-to-join"}, name="how-to-join"),
    path("how-donation-works/", pages.page, {"slug": "how-donation-works"}, name="donation"),
    path("about-transplants/", pages.page, {"slug": "about-transplants"}, name="transplants"),
    path("privacy/", pages.page, {"slug": "privacy"}, name="privacy"),
    path("myths-and-questions/", pages.myths, name="myths"),
    path("eligibility/", eligibility.checker, name="checker"),
    path("typing-sites/", sites.sites, name="sites"),
    path("typing-sites/<slug:slug>/", sites.site_detail, name="site"),
    path("typing-sites/<slug:slug>/book/<int:slot_id>/", appointments.book, name="book"),
    path("typing-sites/<slug:slug>/booked/", appointments.booked, name="booked"),
    path("typing-sites/<slug:slug>/waiting-list/", waitlist.waitlist, name="waitlist"),
    path(
        "typing-sites/<slug:slug>/waiting-list/joined/",
        waitlist.waitlist_joined,
        name="waitlist-joined",
    ),
    path("waiting-list/offer/<str:token>/", waitlist.offer, name="offer"),
    path("staff/day-sheet/", staff.day_sheet, name="day-sheet"),
    path("staff/day-sheet/<int:pk>/", staff.mark, name="day-sheet-mark"),
    path("staff/assisted-booking/", staff.assisted_booking, name="assisted-booking"),
    path("booking/cancelled/", appointments.manage_cancelled, name="manage-cancelled"),
    path("booking/<str:token>/", appointments.manage, name="manage"),
    path("booking/<str:token>/calendar.ics", appointments.manage_calendar, name="manage-calendar"),
    path("booking/<str:token>/cancel/", appointments.manage_cancel, name="manage-cancel"),
    path("booking/<str:token>/change/", appointments.manage_change, name="manage-change"),
    path("booking/<str:token>/changed/", appointments.manage_changed, name="manage-changed"),
    path("booking/<str:token>/confirm/", reminders.manage_confirm, name="manage-confirm"),
    path("reminders/stop/<str:value>/", reminders.stop, name="reminders-stop"),
    path("book-again/<str:value>/", reminders.book_again, name="book-again"),
    path("", include("recruitment.urls_drives")),
    path("", include("recruitment.urls_organisers")),
    path("", include("recruitment.urls_proposals")),
]

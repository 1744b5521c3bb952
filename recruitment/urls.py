from django.urls import path

from recruitment import views
from recruitment.views import staff

urlpatterns = [
    path("", views.home, name="home"),
    path("how-to-join/", views.page, {"slug": "how-to-join"}, name="how-to-join"),
    path("how-donation-works/", views.page, {"slug": "how-donation-works"}, name="donation"),
    path("about-transplants/", views.page, {"slug": "about-transplants"}, name="transplants"),
    path("privacy/", views.page, {"slug": "privacy"}, name="privacy"),
    path("myths-and-questions/", views.myths, name="myths"),
    path("eligibility/", views.checker, name="checker"),
    path("typing-sites/", views.sites, name="sites"),
    path("typing-sites/<slug:slug>/", views.site_detail, name="site"),
    path("typing-sites/<slug:slug>/book/<int:slot_id>/", views.book, name="book"),
    path("typing-sites/<slug:slug>/waiting-list/", views.waitlist, name="waitlist"),
    path("waiting-list/offer/<str:token>/", views.offer, name="offer"),
    path("staff/day-sheet/", staff.day_sheet, name="day-sheet"),
    path("staff/day-sheet/<int:pk>/", staff.mark, name="day-sheet-mark"),
    path("staff/assisted-booking/", staff.assisted_booking, name="assisted-booking"),
    path("booking/<str:token>/", views.manage, name="manage"),
    path("booking/<str:token>/calendar.ics", views.manage_calendar, name="manage-calendar"),
    path("booking/<str:token>/change/", views.manage_change, name="manage-change"),
]

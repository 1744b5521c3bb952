from recruitment.views.booking import (
    book,
    manage,
    manage_calendar,
    manage_change,
    offer,
    site_detail,
    sites,
    waitlist,
)
from recruitment.views.pages import checker, home, myths, page

__all__ = [
    "book",
    "checker",
    "home",
    "manage",
    "manage_calendar",
    "manage_change",
    "myths",
    "offer",
    "page",
    "site_detail",
    "sites",
    "waitlist",
]

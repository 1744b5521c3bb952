from recruitment.views.booking import (
    book,
    manage,
    manage_calendar,
    manage_change,
    site_detail,
    sites,
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
    "page",
    "site_detail",
    "sites",
]

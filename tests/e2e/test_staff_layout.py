"""The staff day sheet and assisted booking on a phone (320 and 390 px) and at 1280 px: a
coordinator at the site's desk or on the phone reads them without scrolling sideways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations
from tests.factories import PASSWORD, coordinator, totp_code, typing_site
from tests.factories import appointment as book
from tests.factories import slot as make_slot

WIDTHS = [320, 390, 1280]
LOCALES = {"en": "en-GB", "ru": "ru-RU"}


@contextmanager
def _signed_in(browser: Browser, live_server: Any, width: int, lang: str) -> Iterator[Site]:
    """A coordinator's browser tab `width` px wide (a phone below 600 px), signed in with the
    second factor."""
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width < 600 else {}
    context = browser.new_context(
        locale=LOCALES[lang], viewport={"width": width, "height": 800}, **phone
    )
    site = Site(live_server.url, context)
    user = coordinator()
    page = site.open(f"/{lang}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(user))
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    try:
        yield site
    finally:
        context.close()
    assert site.foreign_requests() == [], "a request left the site's origin"


def _sideways(page: Page) -> dict[str, Any]:
    """How far the page scrolls sideways, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                          + ' ' + Math.round(e.getBoundingClientRect().right));
            return {scroll: document.documentElement.scrollWidth, width, out};
        }"""
    )


@pytest.fixture
def busy_day(transactional_db: Any) -> Any:
    """A site with long names, seven callers tomorrow from 09:00 and twelve free times the day
    after from 10:00, in the site's own time (so no day runs past midnight, whenever the test
    runs)."""
    lab = typing_site(
        "layout-lab",
        name_en="Demonstration laboratory with a rather long name",
        name_ru="Демонстрационная лаборатория с очень длинным названием",
    )
    tomorrow = timezone.now().astimezone(lab.zone).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=lab.zone)
    for i in range(1, 8):
        slot = make_slot(lab, start + dt.timedelta(minutes=15 * i), capacity=1)
        book(
            slot,
            i,
            name=f"Konstantin Konstantinopolsky-Rimsky-Korsakov {i}",
            email=f"konstantin.konstantinopolsky.{i}@example.org",
        )
    later = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(10), tzinfo=lab.zone)
    free = [make_slot(lab, later + dt.timedelta(minutes=15 * i)) for i in range(12)]
    return lab, slot.day, free[0].day


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_day_sheet_and_assisted_booking_never_scroll_sideways(
    browser: Browser, live_server: Any, busy_day: Any, width: int, lang: str
) -> None:
    lab, day, free_day = busy_day
    with _signed_in(browser, live_server, width, lang) as site:
        found = {}
        page = site.open(f"/{lang}/staff/day-sheet/?site={lab.slug}&day={day:%Y-%m-%d}")
        assert page.locator("tbody tr").count() == 7
        found["day sheet"] = _sideways(page)
        page = site.open(f"/{lang}/staff/assisted-booking/?site={lab.slug}&day={free_day:%Y-%m-%d}")
        assert page.locator("input[name=slot]").count() == 12
        page.locator("details.consent").evaluate("(element) => { element.open = true; }")
        found["assisted booking"] = _sideways(page)
    assert {name: f for name, f in found.items() if f["scroll"] > f["width"]} == {}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_staff_pages_at_phone_width_have_no_axe_violations(
    browser: Browser, live_server: Any, busy_day: Any, lang: str
) -> None:
    lab, _day, _free_day = busy_day
    with _signed_in(browser, live_server, 390, lang) as site:
        found = {}
        page = site.open(f"/{lang}/staff/day-sheet/?site={lab.slug}")
        found["day sheet"] = axe_violations(page)
        page = site.open(f"/{lang}/staff/assisted-booking/?site={lab.slug}")
        found["assisted booking"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}

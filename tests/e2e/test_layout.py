"""Phones and screens: the visitor's booking pages at 320 and 390 px and at 1280 px.

Each test looks at what a person sees: whether the page scrolls sideways, whether a link sits
where it can be read and pressed, which day is marked as chosen, how a day's text falls into
lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from recruitment.models import Closure
from recruitment.services.eligibility import PROOF_COOKIE
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations
from tests.factories import appointment, manage_token, proof_for, typing_site
from tests.factories import slot as make_slot

WIDTHS = [320, 390, 1280]
LOCALES = {"en": "en-GB", "ru": "ru-RU"}
DAYS_AHEAD = 42  # six weeks of days: more than fit on a phone's first screens
FULL_DAY, CLOSED_DAY, TWELVE_PLACES_DAY = 1, 3, 2


@contextmanager
def _screen(
    browser: Browser, live_server: Any, width: int, lang: str = "en", js: bool = True
) -> Iterator[Site]:
    """A browser tab `width` px wide (a phone below 600 px). Without `js` the site's scripts
    never load, so the page behaves as it does with JavaScript off, while axe (which runs in
    the page) can still look at it."""
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width < 600 else {}
    context = browser.new_context(
        locale=LOCALES[lang], viewport={"width": width, "height": 800}, **phone
    )
    if not js:
        context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    site = Site(live_server.url, context)
    try:
        yield site
    finally:
        context.close()
    assert site.foreign_requests() == [], "a request left the site's origin"


class Lab:
    """A typing site with a time every day for six weeks: the first day full, the third a
    holiday, 12 places on each of the others."""

    def __init__(self) -> None:
        self.site = typing_site(
            "layout-lab",
            "Europe/Moscow",
            name_en="Demonstration laboratory with a rather long name",
            name_ru="Демонстрационная лаборатория с очень длинным названием",
        )
        self.today = self.site.local_today(timezone.now())
        self.slots = {}
        for n in range(1, DAYS_AHEAD + 1):
            if n == CLOSED_DAY:
                continue
            start = dt.datetime.combine(self.day(n), dt.time(10, 0), tzinfo=self.site.zone)
            self.slots[n] = make_slot(self.site, start, capacity=1 if n == FULL_DAY else 12)
        appointment(self.slots[FULL_DAY], 1)
        Closure.objects.create(
            site=self.site,
            day=self.day(CLOSED_DAY),
            reason_en="New Year holidays",
            reason_ru="Новогодние каникулы",
        )

    def day(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    def label(self, n: int, lang: str, pattern: str = "D j E") -> str:
        """A day as the page writes it."""
        with translation.override(lang):
            return str(dateformat.format(self.day(n), pattern))


@pytest.fixture
def lab(transactional_db: Any) -> Lab:
    return Lab()


def _scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not on the page"
    return box


def _top_of(locator: Locator, text: str) -> float:
    """Where on the screen the line holding `text` (inside the element) begins."""
    top = locator.evaluate(
        """(element, text) => {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                return range.getClientRects()[0].top;
            }
            return null;
        }""",
        text,
    )
    assert top is not None, f"{text!r} is not in the element"
    return float(top)


def _day(page: Page, lab: Lab, n: int, lang: str = "en") -> Locator:
    return page.locator("#days li").filter(has_text=lab.label(n, lang))


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_choosing_another_time_never_scrolls_sideways(
    browser: Browser, live_server: Any, lab: Lab, width: int, lang: str
) -> None:
    typing_site(
        "far-lab",
        "Asia/Vladivostok",
        city_en="Vladivostok",
        city_ru="Владивосток",
        name_en="Vladivostok demonstration laboratory on Svetlanskaya Street",
        name_ru="Владивостокская демонстрационная лаборатория на Светланской улице",
    )
    token = manage_token(appointment(lab.slots[5], 2))
    with _screen(browser, live_server, width, lang) as site:
        page = site.open(f"/{lang}/booking/{token}/change/")
        assert _scroll_width(page) <= width
        select = _box(page.locator("#change-site"))
        assert select["x"] >= 0 and select["x"] + select["width"] <= width
        page.locator("#change-site").select_option("far-lab")
        page.locator("#change-site").locator("xpath=ancestor::form").locator("button").click()
        expect(page.locator("#change-site")).to_have_value("far-lab")
        assert _scroll_width(page) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_a_full_days_waiting_list_link_stays_inside_its_day_and_opens_the_list(
    browser: Browser, live_server: Any, lab: Lab, width: int
) -> None:
    with _screen(browser, live_server, width) as site:
        cookie = {"name": PROOF_COOKIE, "value": proof_for(), "url": site.base_url}
        site.context.add_cookies([cookie])  # passed the check: the list's form opens
        page = site.open(f"/en/typing-sites/{lab.site.slug}/")
        full = _day(page, lab, FULL_DAY)
        link = full.get_by_role("link", name="Join the waiting list")
        cell, inside = _box(full), _box(link)
        assert (
            cell["x"] <= inside["x"]
            and inside["x"] + inside["width"] <= cell["x"] + cell["width"] + 0.5
        )
        assert (
            cell["y"] <= inside["y"]
            and inside["y"] + inside["height"] <= cell["y"] + cell["height"] + 0.5
        )
        following = _box(_day(page, lab, TWELVE_PLACES_DAY))
        overlaps_x = inside["x"] < following["x"] + following["width"] and following["x"] < (
            inside["x"] + inside["width"]
        )
        overlaps_y = inside["y"] < following["y"] + following["height"] and following["y"] < (
            inside["y"] + inside["height"]
        )
        assert not (overlaps_x and overlaps_y), "the link lies over the next day"
        expect(full).to_contain_text("full")
        link.click()
        expect(page.locator("h1")).to_have_text("Join the waiting list")
        expect(page.locator(".summary")).to_contain_text(lab.label(FULL_DAY, "en", "l, j E Y"))


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_chosen_day_is_marked_for_eyes_and_for_screen_readers(
    browser: Browser, live_server: Any, lab: Lab, width: int, js: bool
) -> None:
    with _screen(browser, live_server, width, js=js) as site:
        page = site.open(f"/en/typing-sites/{lab.site.slug}/")
        first, later = (
            _day(page, lab, 2).get_by_role("link"),
            _day(page, lab, 6).get_by_role("link"),
        )
        expect(first).to_have_attribute("aria-current", "date")
        expect(later).not_to_have_attribute("aria-current", "date")
        later.click()
        expect(page.locator("#times h2")).to_have_text(f"Times on {lab.label(6, 'en', 'l, j E')}")
        later = _day(page, lab, 6).get_by_role("link")
        first = _day(page, lab, 2).get_by_role("link")
        expect(page.locator("#days [aria-current]")).to_have_count(1)
        expect(later).to_have_attribute("aria-current", "date")
        expect(first).not_to_have_attribute("aria-current", "date")

        def border(link: Locator) -> str:
            return str(link.evaluate("(e) => getComputedStyle(e).borderTopColor"))

        assert border(later) != border(first), "the highlight did not move to the chosen day"
        assert border(first) == border(_day(page, lab, 7).get_by_role("link"))
        assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_days_free_places_stand_apart_from_its_date(
    browser: Browser, live_server: Any, lab: Lab, width: int, lang: str
) -> None:
    places = {"en": "12 places", "ru": "12 мест"}[lang]
    with _screen(browser, live_server, width, lang) as site:
        page = site.open(f"/{lang}/typing-sites/{lab.site.slug}/")
        link = _day(page, lab, TWELVE_PLACES_DAY, lang).get_by_role("link")
        day_and_month = lab.label(TWELVE_PLACES_DAY, lang, "j E")
        month = lab.label(TWELVE_PLACES_DAY, lang, "E")
        # The day's number and its month share a line; the count never does.
        assert _top_of(link, day_and_month) == _top_of(link, month)
        assert _top_of(link, places) > _top_of(link, month)
        if width >= 1280:  # room enough for the whole date on one line
            weekday = lab.label(TWELVE_PLACES_DAY, lang, "D")
            assert _top_of(link, weekday) == _top_of(link, month)
        # A screen reader hears a pause between the date and the places.
        date = lab.label(TWELVE_PLACES_DAY, lang)
        expect(link).to_have_accessible_name(re.compile(rf"^{date}\s*, {places}$"))


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("width", WIDTHS)
def test_two_weeks_of_days_come_before_the_times_and_the_rest_on_request(
    browser: Browser, live_server: Any, lab: Lab, width: int, js: bool
) -> None:
    with _screen(browser, live_server, width, js=js) as site:
        page = site.open(f"/en/typing-sites/{lab.site.slug}/")
        days = page.locator("#days li")
        expect(days).to_have_count(14)
        expect(_day(page, lab, 15)).to_have_count(0)
        closed = _day(page, lab, CLOSED_DAY)
        expect(closed).to_contain_text("closed")
        expect(closed).to_contain_text("New Year holidays")
        expect(closed.get_by_role("link")).to_have_count(0)
        expect(page.locator("#times a.button")).to_have_text(["10:00"])

        page.get_by_role("link", name="Show all days").click()
        expect(days).to_have_count(DAYS_AHEAD)
        expect(page.get_by_role("link", name="Show all days")).to_have_count(0)
        last = _day(page, lab, DAYS_AHEAD).get_by_role("link")
        last.click()
        expect(page.locator("#times h2")).to_have_text(
            f"Times on {lab.label(DAYS_AHEAD, 'en', 'l, j E')}"
        )
        expect(days).to_have_count(DAYS_AHEAD)
        expect(_day(page, lab, DAYS_AHEAD).get_by_role("link")).to_have_attribute(
            "aria-current", "date"
        )
        assert _scroll_width(page) <= width
        assert axe_violations(page) == []


def test_a_closed_day_says_so_in_russian(browser: Browser, live_server: Any, lab: Lab) -> None:
    with _screen(browser, live_server, 390, "ru") as site:
        page = site.open(f"/ru/typing-sites/{lab.site.slug}/")
        closed = _day(page, lab, CLOSED_DAY, "ru")
        expect(closed).to_contain_text("закрыто")
        expect(closed).to_contain_text("Новогодние каникулы")
        expect(page.get_by_role("link", name="Показать все дни")).to_have_count(1)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_footers_phone_number_stays_on_one_line(
    browser: Browser, live_server: Any, width: int, lang: str
) -> None:
    with _screen(browser, live_server, width, lang) as site:
        page = site.open(f"/{lang}/typing-sites/")
        phone = page.locator(".site-footer a[href^='tel:']")
        lines = phone.evaluate("(e) => e.getClientRects().length")
        assert lines == 1, f"the phone number is on {lines} lines"
        assert _scroll_width(page) <= width

"""On a phone, the two answers to a health question look alike: neither "yes" nor "no" is the
filled button that invites a tap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations, tab_to

LOOKS = [
    "background-color",
    "background-image",
    "color",
    "border-top-color",
    "border-top-width",
    "border-top-style",
    "border-bottom-color",
    "border-bottom-width",
    "border-radius",
    "box-shadow",
    "font-weight",
    "font-size",
    "text-decoration-line",
    "height",
]

CONTINUE = {"en": "Continue", "ru": "Продолжить"}


@pytest.fixture(params=["en", "ru"])
def iphone(request: pytest.FixtureRequest, browser: Browser, live_server: Any) -> Iterator[Site]:
    """A 390 px phone in English or Russian."""
    context = browser.new_context(
        locale="en-GB" if request.param == "en" else "ru-RU",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    site = Site(live_server.url, context)
    site.lang = request.param  # type: ignore[attr-defined]
    yield site
    context.close()
    assert site.foreign_requests() == []


def look(page: Page, selector: str) -> dict[str, str]:
    return page.evaluate(
        """([selector, names]) => {
            const style = getComputedStyle(document.querySelector(selector));
            return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
        }""",
        [selector, LOOKS],
    )


def open_the_questions(site: Site) -> Page:
    lang = site.lang  # type: ignore[attr-defined]
    page = site.open(f"/{lang}/eligibility/")
    page.locator("input[name=born_day]").fill("17")
    page.locator("input[name=born_month]").fill("5")
    page.locator("input[name=born_year]").fill("1995")
    page.get_by_role("button", name=CONTINUE[lang]).click()
    page.mouse.move(0, 0)  # off whatever the new question put under the pointer (hover)
    return page


def test_yes_and_no_look_alike_one_question_at_a_time(iphone: Site) -> None:
    page = open_the_questions(iphone)
    yes, no = "#checker button[value=yes]", "#checker button[value=no]"
    expect(page.locator(yes)).to_be_visible()
    assert look(page, yes) == look(page, no)
    # The same when the finger (or the keyboard) is on either of them.
    tab_to(page, yes)
    focused_yes = look(page, yes)
    tab_to(page, no)
    assert look(page, no) == focused_yes
    assert axe_violations(page) == []


def test_yes_and_no_look_alike_on_the_plain_page(iphone: Site) -> None:
    # htmx kept away: the page behaves as it does without JavaScript (axe needs the script).
    iphone.context.route("**/django_htmx/**", lambda route: route.abort())
    page = open_the_questions(iphone)
    first = page.locator("#checker fieldset .choices").first
    expect(first).to_be_visible()
    yes = "#checker fieldset .choices label:has(input[value=yes])"
    no = "#checker fieldset .choices label:has(input[value=no])"
    assert look(page, yes) == look(page, no)
    assert axe_violations(page) == []

"""axe-core finds no WCAG 2.2 AA violation on any public page, in either language; nothing
loads from another origin; the layout holds at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations, tab_to

PAGES = [
    "",
    "how-to-join/",
    "how-donation-works/",
    "about-transplants/",
    "myths-and-questions/",
    "privacy/",
    "eligibility/",
]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_public_page_has_no_axe_violations(request, lang: str) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    found = {}
    for path in PAGES:
        page = site.open(f"/{lang}/{path}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}


def test_every_page_fits_a_320px_phone_without_sideways_scrolling(phone: Site) -> None:
    for path in PAGES:
        page = phone.open(f"/ru/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"/ru/{path} is {width}px wide"


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(site_en: Site) -> None:
    page = site_en.open("/en/how-to-join/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    tab_to(page, "main a")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_language_switcher_keeps_the_page(site_ru: Site) -> None:
    page = site_ru.open("/ru/about-transplants/")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(site_ru.base_url + "/en/about-transplants/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

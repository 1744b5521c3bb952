"""The drive pages on a 320 px phone in both languages: nothing scrolls sideways and axe finds
no violation, for visitors (list, drive, appeal, poster, sign-up, host a drive) and for an
organiser (dashboard, edit, sign-ups, check-in, walk-in, message, invite, cancel)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from recruitment.services.eligibility import PROOF_COOKIE
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations
from tests.factories import drive, drive_signup, drive_window, organiser, proof_for

LOCALES = {"en": "en-GB", "ru": "ru-RU"}
PHONE = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}

PUBLIC = [
    "drives/",
    "drives/LAYOUT/",
    "drives/APPEAL/",
    "drives/LAYOUT/poster/",
    "drives/LAYOUT/sign-up/",
    "host-a-drive/",
    "organisers/sign-in/",
]
ORGANISER = [
    "organisers/",
    "organisers/drives/LAYOUT/",
    "organisers/drives/DRAFTY/edit/",
    "organisers/drives/LAYOUT/sign-ups/",
    "organisers/drives/LAYOUT/check-in/",
    "organisers/drives/LAYOUT/walk-in/",
    "organisers/drives/LAYOUT/message/",
    "organisers/drives/LAYOUT/invite/",
    "organisers/drives/LAYOUT/cancel/",
]


@pytest.fixture
def drives(transactional_db: Any) -> None:
    venue = drive(
        "LAYOUT",
        title_ru="Большой день донора в Главном здании Университета имени Ломоносова",
        title_en="The great donor day in the Main Building of Lomonosov Moscow State University",
    )
    drive_window(venue, 10)
    drive_window(venue, 11)
    for i in range(1, 4):
        drive_signup(venue, i, window=venue.windows.first())
    drive(
        "APPEAL",
        kind="appeal",
        starts_at=None,
        ends_at=None,
        capacity=0,
        description_en="Masha is seven. She needs a donor. " * 8,
        description_ru="Маше семь лет. Ей нужен донор. " * 8,
    )
    organiser(venue)
    organiser(drive("DRAFTY", status="draft"))


def _sideways(page: Any) -> dict[str, Any]:
    """How wide the page scrolls, and the elements that stick out past the screen."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 4)
                .map(e => e.tagName.toLowerCase() + (e.name ? '[' + e.name + ']' : '')
                          + (e.className ? '.' + e.className : '')
                          + ' ' + Math.round(e.getBoundingClientRect().right));
            return {scroll: document.documentElement.scrollWidth, out};
        }"""
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_drive_pages_fit_a_320_px_phone_with_no_axe_violations(
    browser: Browser, live_server: Any, drives: None, lang: str
) -> None:
    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.add_cookies([{"name": PROOF_COOKIE, "value": proof_for(), "url": live_server.url}])
    site = Site(live_server.url, context)
    found: dict[str, Any] = {}
    for path in PUBLIC:
        page = site.open(f"/{lang}/{path}")
        found[path] = (_sideways(page), axe_violations(page))
    page = site.open(f"/{lang}/organisers/sign-in/")
    page.fill("input[name=username]", "organiser@example.org")
    page.fill("input[type=password]", "organiser-pass-2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/{lang}/organisers/")
    for path in ORGANISER:
        page = site.open(f"/{lang}/{path}")
        assert page.locator("h1").count() >= 1, path
        found[path] = (_sideways(page), axe_violations(page))
    context.close()
    problems = {path: f for path, f in found.items() if f[0]["scroll"] > 320 or f[1]}
    assert problems == {}
    assert site.foreign_requests() == []

"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every request the browser makes is recorded; a test fails if any leaves the site's origin.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.factories import reseed

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the same
# thread are still synchronous, so the async-safety guard would be a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _seeded(transactional_db: Any) -> None:
    reseed()


class Site:
    """The live site as one browser tab sees it, with every request it made."""

    def __init__(self, base_url: str, context: BrowserContext) -> None:
        self.base_url = base_url
        self.context = context
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.set_default_timeout(10_000)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(self.base_url) and not url.startswith(("data:", "about:"))
        ]


def _site(browser: Browser, live_server: Any, **options: Any) -> Iterator[Site]:
    context = browser.new_context(**options)
    site = Site(live_server.url, context)
    yield site
    context.close()
    assert site.foreign_requests() == [], "a request left the site's origin"


@pytest.fixture
def site_en(browser: Browser, live_server: Any) -> Iterator[Site]:
    yield from _site(browser, live_server, locale="en-GB")


@pytest.fixture
def site_ru(browser: Browser, live_server: Any) -> Iterator[Site]:
    yield from _site(browser, live_server, locale="ru-RU")


@pytest.fixture
def site_nojs(browser: Browser, live_server: Any) -> Iterator[Site]:
    yield from _site(browser, live_server, locale="en-GB", java_script_enabled=False)


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Site]:
    yield from _site(
        browser,
        live_server,
        locale="ru-RU",
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )

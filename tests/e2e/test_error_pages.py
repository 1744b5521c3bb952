"""The 404 page a dead manage or offer link leads to: in the visitor's language, free of axe
violations and readable on a phone."""

from __future__ import annotations

import pytest

from recruitment.tokens import token_new
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_dead_manage_link_gets_a_page_without_axe_violations(request, lang: str) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    page = site.open(f"/{lang}/booking/{token_new()[0]}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_a_dead_offer_link_reads_on_a_320px_phone(phone: Site) -> None:
    page = phone.open(f"/ru/waiting-list/offer/{token_new()[0]}/")
    assert page.get_by_role("link", name="выберите пункт типирования").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide"

"""Who can join is on the first screen of a phone: a 50-year-old learns the age limit before
scrolling, on the home page and on "How to join"."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Site

AGES = {"ru": "от 18 до 45 лет", "en": "aged 18 to 45"}


@pytest.mark.parametrize("path", ["", "how-to-join/"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_age_limit_is_on_a_phones_first_screen(request, lang: str, path: str) -> None:
    site: Site = request.getfixturevalue("phone")  # 320 × 640
    page = site.open(f"/{lang}/{path}")
    bottom = page.evaluate(
        """(text) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                return range.getBoundingClientRect().bottom;
            }
            return null;
        }""",
        AGES[lang],
    )
    assert bottom is not None, "the age limit is not on the page"
    assert bottom <= 640, f"the age limit ends {bottom:.0f}px down the page"

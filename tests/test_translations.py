"""Both catalogues are complete: every string a person reads exists in Russian and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    assert len(catalog) > 100
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        for string in strings:
            expected = sorted(p for p in PLACEHOLDER.findall(source) if "counter" not in p)
            found = sorted(p for p in PLACEHOLDER.findall(string) if "counter" not in p)
            assert found == expected, f"placeholders differ in {message.id!r}"


@pytest.mark.parametrize(
    "slug", ["home", "how-to-join", "how-donation-works", "about-transplants", "privacy"]
)
def test_every_education_page_exists_in_both_languages(slug: str) -> None:
    base = Path(settings.BASE_DIR) / "templates" / "recruitment" / "pages" / "content"
    for language in ("ru", "en"):
        assert (base / language / f"{slug}.html").stat().st_size > 2000

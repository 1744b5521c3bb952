"""Who can join is said before the long read: a 50-year-old learns it on the first screen of the
home page and of "How to join", with the ages of the rules staff publish."""

from __future__ import annotations

import pytest
from django.test import Client

from recruitment.models import AgePolicy
from recruitment.services.eligibility import rules_publish

pytestmark = pytest.mark.django_db

AGES = {"ru": "от 18 до 45 лет", "en": "aged 18 to 45"}
OLDER = {"ru": "Вам больше 45 лет?", "en": "Older than 45?"}
EXCLUSIONS = {"ru": ["туберкулёз", "ВИЧ", "диабет"], "en": ["tuberculosis", "HIV", "diabetes"]}


def _before_the_long_read(html: str) -> str:
    """The page up to its first second-level heading: the part a phone shows first."""
    main = html[html.index('<main id="main"') :]
    return main[: main.index("<h2")]


@pytest.mark.parametrize("path", ["", "how-to-join/"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_age_limits_and_the_checker_come_before_the_long_read(
    client: Client, lang: str, path: str
) -> None:
    first = _before_the_long_read(client.get(f"/{lang}/{path}").content.decode())
    assert AGES[lang] in first
    assert OLDER[lang] in first
    for illness in EXCLUSIONS[lang]:
        assert illness in first, illness
    assert f'href="/{lang}/eligibility/"' in first


@pytest.mark.parametrize(
    ("lang", "ages", "older"),
    [("ru", "от 18 до 41 года", "Вам больше 41 года?"), ("en", "aged 18 to 41", "Older than 41?")],
)
def test_the_ages_shown_are_the_published_rules(
    client: Client, lang: str, ages: str, older: str
) -> None:
    AgePolicy.objects.filter(pk=1).update(max_age=41)
    rules_publish()
    for path in ("", "how-to-join/"):
        first = _before_the_long_read(client.get(f"/{lang}/{path}").content.decode())
        assert ages in first and older in first, path
        assert "45" not in first, path

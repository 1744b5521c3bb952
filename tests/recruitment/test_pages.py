"""The education pages, in both languages, with the language switcher and security headers."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from recruitment.models import Entry

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "how-to-join/",
    "how-donation-works/",
    "about-transplants/",
    "myths-and-questions/",
    "privacy/",
    "eligibility/",
]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(
        r'<a [^>]*lang="ru"[^>]*>.*?</a>|<span [^>]*lang="ru"[^>]*>.*?</span>',
        " ",
        html,
        flags=re.S,
    )
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_page_answers_in_both_languages(client: Client, lang: str, path: str) -> None:
    response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    assert 'href="#main"' in html and 'id="main"' in html
    text = visible_text(html)
    cyrillic = len(CYRILLIC.findall(text))
    letters = len(re.findall(r"[A-Za-zА-Яа-яЁё]", text))
    if lang == "en":
        assert cyrillic == 0, "Russian text on an English page"
    else:
        assert cyrillic / letters > 0.8, "a Russian page that is mostly not in Russian"


@pytest.mark.parametrize("path", PAGES)
def test_the_switcher_keeps_you_on_the_same_page(client: Client, path: str) -> None:
    html = client.get(f"/ru/{path}").content.decode()
    assert f'href="/en/{path}" hreflang="en"' in html


def test_the_root_picks_the_language_from_the_browser(client: Client) -> None:
    assert client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})["Location"] == "/en/"
    assert client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})["Location"] == "/ru/"
    assert client.get("/", headers={"Accept-Language": "de-DE"})["Location"] == "/ru/"


def test_pages_refuse_a_post(client: Client) -> None:
    assert client.post("/en/how-to-join/").status_code == 405


def test_an_unknown_page_is_a_404(client: Client) -> None:
    assert client.get("/en/no-such-page/").status_code == 404


def test_the_security_headers_are_set(client: Client) -> None:
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_has_inline_script_or_loads_from_elsewhere(client: Client) -> None:
    for lang in ("ru", "en"):
        for path in PAGES:
            html = client.get(f"/{lang}/{path}").content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
            assert not re.search(r"\sstyle=", html), path
            assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_myths_page_shows_only_published_entries_in_the_right_language(client: Client) -> None:
    Entry.objects.create(
        kind="question",
        question_en="Is it visible?",
        question_ru="Видно ли?",
        answer_en="Yes.",
        answer_ru="Да.",
        order=1,
    )
    Entry.objects.create(
        kind="question",
        question_en="Hidden one?",
        question_ru="Скрытый?",
        answer_en="No.",
        answer_ru="Нет.",
        published=False,
    )
    en = client.get("/en/myths-and-questions/").content.decode()
    ru = client.get("/ru/myths-and-questions/").content.decode()
    assert "Is it visible?" in en and "Hidden one?" not in en
    assert "Видно ли?" in ru and "Скрытый?" not in ru


def test_the_seeded_myths_and_questions_are_there_in_both_languages() -> None:
    assert Entry.objects.filter(kind="myth", published=True).count() >= 5
    assert Entry.objects.filter(kind="question", published=True).count() >= 10
    for entry in Entry.objects.all():
        assert entry.question_ru and entry.question_en and entry.answer_ru and entry.answer_en


@pytest.mark.parametrize("path", ["", "myths-and-questions/", "eligibility/", "privacy/"])
def test_public_pages_use_a_constant_small_number_of_queries(client: Client, path: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/en/{path}")
    assert len(queries) <= 5


def test_the_favicon_address_browsers_ask_for_leads_to_our_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"

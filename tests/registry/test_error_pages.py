"""Error pages in the visitor's language: what may have happened and what to do next, the same
page for every link that no longer works, and nothing our Content Security Policy would block."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.views.defaults import permission_denied, server_error

from recruitment.services.appointments import appointment_cancel
from recruitment.services.waitlist import waitlist_leave
from recruitment.tokens import token_new
from tests.factories import appointment as book
from tests.factories import manage_token, offer_token, typing_site, waiting
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

HELP = {
    "ru": ["Страница не найдена", "последнее письмо", "Запишитесь ещё раз", "Позвоните нам"],
    "en": ["Page not found", "latest email", "Book a time again", "Call us"],
}


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]*"|value="[A-Za-z0-9]{64}"', b"", content)


def _csp_safe(html: str) -> bool:
    """No inline script or style, no style attribute, nothing from elsewhere: what our CSP
    would block or what would load from another origin."""
    return not (
        re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        or re.search(r"<style\b|\sstyle=", html)
        or re.search(r'(src|href)="(https?:)?//', html)
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_dead_link_says_what_happened_and_what_to_do_in_the_visitors_language(
    lang: str,
) -> None:
    response = Client().get(f"/{lang}/booking/{token_new()[0]}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    for text in HELP[lang]:
        assert text in page, text
    assert f'href="/{lang}/typing-sites/"' in page  # book again
    # in the page itself, not only in the footer
    assert page.count(f'href="tel:{settings.REGISTRY_CONTACT_PHONE}"') == 2
    assert page.count(f'href="mailto:{settings.REGISTRY_CONTACT_EMAIL}"') == 2
    assert _csp_safe(page)


def test_an_unknown_an_expired_and_a_used_manage_link_get_the_very_same_page(
    time_machine,
) -> None:
    now = timezone.now()
    site = typing_site()
    used = book(make_slot(site, now + dt.timedelta(days=2)), 1)
    used_token = manage_token(used)
    appointment_cancel(appointment_id=used.pk, now=now)
    past = book(make_slot(site, now + dt.timedelta(hours=2)), 2)
    expired_token = manage_token(past)
    time_machine.move_to(past.slot.ends_at + dt.timedelta(minutes=1))
    client = Client()
    pages = {
        "unknown": client.get(f"/en/booking/{token_new()[0]}/"),
        "used": client.get(f"/en/booking/{used_token}/"),
        "expired": client.get(f"/en/booking/{expired_token}/"),
        "used, its calendar": client.get(f"/en/booking/{used_token}/calendar.ics"),
        "expired, change it": client.get(f"/en/booking/{expired_token}/change/"),
        "an offer never made": client.get(f"/en/waiting-list/offer/{token_new()[0]}/"),
    }
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 404)
    bodies = {_without_csrf(r.content) for r in pages.values()}
    assert len(bodies) == 1, "the pages differ, so they tell one kind of dead link from another"
    for token in (used_token, expired_token):
        assert token.encode() not in pages["unknown"].content
        assert all(token.encode() not in r.content for r in pages.values())


def test_an_offer_that_was_given_up_gets_the_same_page_as_an_unknown_one() -> None:
    now = timezone.now()
    site = typing_site()
    slot = make_slot(site, now + dt.timedelta(days=3), capacity=1)
    entry = waiting(site, slot.day)  # the place is free, so it is offered at once
    token = offer_token(entry)
    waitlist_leave(entry_ids=[entry.pk], now=now)
    given_up = Client().get(f"/ru/waiting-list/offer/{token}/")
    unknown = Client().get(f"/ru/waiting-list/offer/{token_new()[0]}/")
    assert given_up.status_code == unknown.status_code == 404
    assert _without_csrf(given_up.content) == _without_csrf(unknown.content)
    assert "последнее письмо" in given_up.content.decode()


@pytest.mark.parametrize(
    ("lang", "text"),
    [("ru", "Эта страница вам недоступна"), ("en", "This page is closed to you")],
)
def test_a_refused_page_says_whom_to_write_to_in_the_visitors_language(
    lang: str, text: str
) -> None:
    request = RequestFactory().get(f"/{lang}/staff/day-sheet/")
    with translation.override(lang):
        response = permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert text in page
    # in the page itself, not only in the footer
    assert page.count(f'href="mailto:{settings.REGISTRY_CONTACT_EMAIL}"') == 2
    assert _csp_safe(page)


def test_the_500_page_speaks_both_languages_within_our_csp() -> None:
    response = server_error(RequestFactory().get("/en/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "У нас что-то пошло не так" in page and "Something went wrong on our side" in page
    assert _csp_safe(page)


def test_a_form_sent_without_its_token_gets_a_kind_bilingual_page_within_our_csp() -> None:
    response = Client(enforce_csrf_checks=True).post("/en/eligibility/", {"stage": "born"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Форма устарела" in page and "This form has expired" in page
    assert "Content-Security-Policy" in response.headers
    assert _csp_safe(page)

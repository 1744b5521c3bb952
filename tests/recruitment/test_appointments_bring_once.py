"""The confirmation page and the calendar file ask for the passport once: the site's own "what to
bring" usually names it already, and only a site without one gets the general reminder."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import appointment as book
from tests.factories import booking_form, proof_for, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

WHAT_TO_BRING = {
    "what_to_bring_en": "Your passport or another photo ID, and the confirmation email.",
    "what_to_bring_ru": "Паспорт или другой документ с фотографией и письмо с подтверждением.",
}
PASSPORT = {"en": re.compile(r"passport", re.I), "ru": re.compile(r"паспорт", re.I)}


def _booked_page(lang: str, **site_fields: str) -> str:
    site = typing_site(**site_fields)
    slot = make_slot(site, timezone.now() + dt.timedelta(days=3))
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    response = client.post(
        f"/{lang}/typing-sites/{site.slug}/book/{slot.pk}/",
        booking_form(language=lang),
        follow=True,
    )
    assert Appointment.objects.count() == 1
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_confirmation_page_asks_for_the_passport_once(lang: str) -> None:
    page = _booked_page(lang, **WHAT_TO_BRING)
    assert len(PASSPORT[lang].findall(page)) == 1
    assert "письмо с подтверждением" in page or "the confirmation email" in page


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_site_without_its_own_list_still_reminds_about_the_passport(lang: str) -> None:
    page = _booked_page(lang, what_to_bring_en="", what_to_bring_ru="")
    assert len(PASSPORT[lang].findall(page)) == 1


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_calendar_event_asks_for_the_passport_once(lang: str) -> None:
    site = typing_site(**WHAT_TO_BRING)
    appointment = book(make_slot(site, timezone.now() + dt.timedelta(days=3)), language=lang)
    description = appointment.calendar_event().description
    assert len(PASSPORT[lang].findall(description)) == 1
    bare = typing_site(slug="bare-lab", what_to_bring_en="", what_to_bring_ru="")
    other = book(make_slot(bare, timezone.now() + dt.timedelta(days=4)), 2, language=lang)
    assert len(PASSPORT[lang].findall(other.calendar_event().description)) == 1

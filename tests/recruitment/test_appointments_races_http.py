"""Invariants 1 and 2 through a real HTTP server: gunicorn with production settings on
PostgreSQL, many browsers posting at the same moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment.models import Appointment, Slot
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import emails_now, proof_for, reseed, typing_site
from tests.factories import slot as make_slot
from tests.gunicorn import Browser, burst, form, gunicorn, race_for_the_last_place

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_browsers_at_once_book_the_last_place_exactly_once() -> None:
    times = race_for_the_last_place(50)
    print(f"\n50 browsers, one place: {times}")


def test_one_form_posted_twenty_times_through_gunicorn_books_once_with_one_email() -> None:
    reseed()
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=5)
    path = f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"
    one = form(1)
    with gunicorn() as server:
        browser = Browser(server.base_url, {PROOF_COOKIE: proof_for(dt.date(1990, 1, 1))})
        assert browser.get(path)[0] == 200
        results = burst([browser] * 20, path, [one] * 20)
    assert [status for status, _seconds in results] == [302] * 20
    assert Appointment.objects.count() == 1
    assert emails_now().count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1

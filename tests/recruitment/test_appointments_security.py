"""What an attacker can learn or break through booking: nothing about who is known, and no
working link from anything stored."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, Slot
from recruitment.services.appointments import appointment_cancel
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import appointment as make_appointment
from tests.factories import link_in, person_details, proof_for, send_outbox, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db


def _form(**changes: str) -> dict[str, str]:
    return {
        "name": "Anna Petrova",
        "email": "anna@example.org",
        "phone": "+7 912 345-67-89",
        "born": "1995-05-17",
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
        **changes,
    }


def _browser() -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    return client


def _normal(response, *secrets: str) -> str:
    html = response.content.decode()
    for secret in secrets:
        html = html.replace(secret, "X")
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return re.sub(r'name="request_key" value="[^"]+"', "KEY", html)


def test_a_full_slot_answers_a_known_and_an_unknown_person_alike():
    site = typing_site()
    full = make_slot(site, timezone.now() + dt.timedelta(days=2), capacity=1)
    make_appointment(full, 1, email="known@example.org", email_normalized="known@example.org")
    known = _browser().post(
        f"/en/typing-sites/{site.slug}/book/{full.pk}/",
        _form(email="known@example.org", phone="+7 912 666-00-01"),
    )
    unknown = _browser().post(
        f"/en/typing-sites/{site.slug}/book/{full.pk}/",
        _form(email="nobody@example.org", phone="+7 912 000-11-22"),
    )
    assert known.status_code == unknown.status_code == 409
    assert _normal(known, "known@example.org", "+7 912 666-00-01") == _normal(
        unknown, "nobody@example.org", "+7 912 000-11-22"
    )


def test_a_free_slot_answers_a_known_and_an_unknown_person_alike():
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2), capacity=3)
    other = make_slot(site, timezone.now() + dt.timedelta(days=4), capacity=3)
    make_appointment(other, 1, email="known@example.org", email_normalized="known@example.org")
    path = f"/en/typing-sites/{site.slug}/book/{slot.pk}/"
    known = _browser().post(path, _form(email="known@example.org"), follow=True)
    unknown = _browser().post(path, _form(email="new@example.org"), follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert _normal(known, "known@example.org") == _normal(unknown, "new@example.org")


TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _every_stored_string() -> set[str]:
    """Every 32-character token-shaped run in every text column of every table."""
    found: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT "{column}"::text FROM "{table}"')  # noqa: S608 - names from the catalogue
            for (value,) in cursor.fetchall():
                found.update(TOKEN.findall(value or ""))
    return found


def test_no_working_link_is_stored_anywhere_in_clear(smtp):
    """Book, be told about an existing booking, move, join the waiting list and get an offer:
    every email goes out, then every string in the database is tried as a link."""
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=2)
    slot, later = make_slot(site, start, capacity=1), make_slot(site, start + dt.timedelta(hours=1))
    browser = _browser()
    browser.post(f"/en/typing-sites/{site.slug}/book/{slot.pk}/", _form())
    browser.post(f"/en/typing-sites/{site.slug}/book/{later.pk}/", _form(email="ANNA@example.org"))
    from recruitment.services.waitlist import waitlist_join

    waitlist_join(
        site=site,
        day=slot.day,
        details=person_details(5),
        rules_version=1,
        checked_on=timezone.localdate(),
        now=timezone.now(),
    )
    holder = Appointment.objects.get()
    send_outbox()
    links = [link_in(m, "booking") for m in smtp.inbox.to("anna@example.org")]
    assert len(links) == 2 and all(
        browser.get(f"/en/booking/{t}/").status_code == 200 for t in links
    )
    appointment_cancel(appointment_id=holder.pk, now=timezone.now())
    send_outbox()
    offer = link_in(smtp.inbox.to("w5@example.org")[-1], "waiting-list/offer")
    assert browser.get(f"/en/waiting-list/offer/{offer}/").status_code == 200
    stored = _every_stored_string()
    assert stored, "the scan found nothing at all: it is not looking"
    opened = [
        token
        for token in stored
        if browser.get(f"/en/booking/{token}/").status_code != 404
        or browser.get(f"/en/waiting-list/offer/{token}/").status_code != 404
    ]
    assert opened == []
    assert offer not in stored and not any(t in stored for t in links)


def test_attendance_is_marked_from_the_appointments_local_day_and_undone_that_day_only(
    time_machine,
):
    from recruitment.services.appointments import CannotMark, appointment_mark

    site = typing_site(time_zone="Asia/Vladivostok")
    start = timezone.now() + dt.timedelta(days=3)
    appointment = make_appointment(make_slot(site, start))
    with pytest.raises(CannotMark):  # a future appointment cannot be "attended"
        appointment_mark(appointment_id=appointment.pk, status="attended", now=timezone.now())
    day_begins = dt.datetime.combine(appointment.slot.day, dt.time(0, 1), tzinfo=site.zone)
    marked = appointment_mark(appointment_id=appointment.pk, status="attended", now=day_begins)
    assert marked.status == "attended"
    undone = appointment_mark(
        appointment_id=appointment.pk, status="booked", now=day_begins + dt.timedelta(hours=5)
    )
    assert undone.status == "booked"
    appointment_mark(appointment_id=appointment.pk, status="no_show", now=day_begins)
    with pytest.raises(CannotMark):  # the next day, the mark stands
        appointment_mark(
            appointment_id=appointment.pk, status="booked", now=day_begins + dt.timedelta(days=1)
        )
    assert Slot.objects.get(pk=appointment.slot_id).booked == 1


def test_an_undo_cannot_give_a_person_two_active_appointments(time_machine):
    from recruitment.services.appointments import CannotMark, appointment_mark

    # Midday in Moscow, so "in half an hour" is on the same local day (marks start that day).
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    site = typing_site()
    first = make_appointment(make_slot(site, timezone.now() + dt.timedelta(minutes=30)))
    appointment_mark(appointment_id=first.pk, status="attended", now=timezone.now())
    make_appointment(make_slot(site, timezone.now() + dt.timedelta(days=5)))  # booked again
    with pytest.raises(CannotMark):
        appointment_mark(appointment_id=first.pk, status="booked", now=timezone.now())
    assert Appointment.objects.filter(status="booked").count() == 1

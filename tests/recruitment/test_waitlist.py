"""The waiting list: a freed place is offered to the first person waiting, held for a while,
booked only when accepted, and passed on when the offer expires."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail, Slot, WaitlistEntry
from recruitment.services.appointments import appointment_cancel
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.waitlist import waitlist_expire, waitlist_join
from recruitment.tokens import token_new
from tests.factories import appointment as make_appointment
from tests.factories import link_in, proof_for, reseed, send_outbox, typing_site
from tests.factories import person_details as details
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db


def book(slot: Slot, i: int) -> Appointment:
    return make_appointment(slot, i)


def join(site, day, i: int) -> WaitlistEntry:
    entry = waitlist_join(
        site=site,
        day=day,
        details=details(i),
        rules_version=1,
        checked_on=timezone.localdate(),
        now=timezone.now(),
    )
    assert entry is not None
    return entry


def offer_token(smtp, entry: WaitlistEntry) -> str:
    """The offer link as the person gets it: the email is sent, the token read from it."""
    assert OutboxEmail.objects.filter(kind="waitlist-offer", to=entry.email).exists()
    send_outbox()
    return link_in(smtp.inbox.to(entry.email)[-1], "waiting-list/offer")


@pytest.fixture
def full_day():
    site = typing_site()
    # 10:00 local, three days ahead: a pattern opening then closes the same day.
    day = (timezone.now() + dt.timedelta(days=3)).astimezone(site.zone).date()
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=site.zone)
    slot = make_slot(site, starts, capacity=1)
    appointment = book(slot, 0)
    return site, slot, appointment


def test_a_full_day_offers_the_waiting_list_and_joining_needs_a_passed_check(client, full_day):
    site, slot, _appointment = full_day
    page = client.get(f"/en/typing-sites/{site.slug}/").content.decode()
    assert f"/en/typing-sites/{site.slug}/waiting-list/?day={slot.day:%Y-%m-%d}" in page
    response = client.get(f"/en/typing-sites/{site.slug}/waiting-list/?day={slot.day:%Y-%m-%d}")
    assert response.status_code == 302 and response["Location"].startswith("/en/eligibility/")


def test_joining_twice_keeps_one_place_and_looks_the_same(full_day):
    site, slot, _appointment = full_day
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(dt.date(1990, 1, 1))
    data = {
        "day": f"{slot.day:%Y-%m-%d}",
        "name": "Olga",
        "email": "olga@example.org",
        "phone": "+7 912 777-00-01",
        "born_day": "1",
        "born_month": "1",
        "born_year": "1990",
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
    }
    url = f"/en/typing-sites/{site.slug}/waiting-list/"
    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)
    assert b"You are on the waiting list" in first.content
    assert b"You are on the waiting list" in second.content
    assert first.redirect_chain == second.redirect_chain
    assert WaitlistEntry.objects.count() == 1


def test_a_cancellation_offers_the_place_to_the_first_person_waiting_and_holds_it(full_day):
    site, slot, appointment = full_day
    first, second = join(site, slot.day, 1), join(site, slot.day, 2)
    appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "offered" and first.offered_slot == slot
    assert second.status == "waiting"
    assert Slot.objects.get(pk=slot.pk).booked == 1  # held for the offer
    assert OutboxEmail.objects.filter(kind="waitlist-offer").count() == 1


def test_accepting_the_offer_books_the_held_place(client, full_day, smtp):
    site, slot, appointment = full_day
    entry = join(site, slot.day, 1)
    appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    token = offer_token(smtp, entry)
    page = client.get(f"/en/waiting-list/offer/{token}/")
    assert b"A place is waiting for you" in page.content
    # The hold's end is said in the site's zone by name, on the page and in the email.
    assert b"(Moscow time (UTC+3))" in page.content
    offer = smtp.inbox.to(entry.email)[-1]
    plain = offer.get_body(("plain",)).get_content()
    assert "(Moscow time (UTC+3))" in plain and "Europe/Moscow" not in plain
    assert Appointment.objects.filter(status="booked").count() == 0  # not without accepting
    done = client.post(f"/en/waiting-list/offer/{token}/", follow=True)
    assert b"Please check your email" in done.content
    assert client.get(done.redirect_chain[-1][0]).status_code == 200  # a refresh shows it again
    booked = Appointment.objects.get(status="booked")
    assert booked.email == entry.email and booked.slot == slot
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert client.post(f"/en/waiting-list/offer/{token}/").status_code == 404  # used


def test_an_expired_offer_passes_to_the_next_person_and_is_never_made_again(client, full_day, smtp):
    site, slot, appointment = full_day
    first, second = join(site, slot.day, 1), join(site, slot.day, 2)
    now = timezone.now()
    appointment_cancel(appointment_id=appointment.pk, now=now)
    token = offer_token(smtp, first)
    assert waitlist_expire(now=now + dt.timedelta(minutes=119)) == 0
    assert waitlist_expire(now=now + dt.timedelta(minutes=121)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "expired" and second.status == "offered"
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert client.get(f"/en/waiting-list/offer/{token}/").status_code == 404
    assert client.get(f"/en/waiting-list/offer/{token_new()[0]}/").status_code == 404
    assert OutboxEmail.objects.filter(kind="waitlist-offer", to=first.email).count() == 1


def test_more_places_go_to_the_waiting_list_first(full_day):
    from recruitment.models import OpeningPattern
    from recruitment.services.sites import slots_generate

    site, slot, _appointment = full_day
    entry = join(site, slot.day, 1)
    local = slot.local_start
    OpeningPattern.objects.create(
        site=site,
        weekday=local.weekday(),
        opens=local.time(),
        closes=(local + dt.timedelta(minutes=15)).time(),
        places=2,
    )
    slots_generate(now=timezone.now(), sites=[site], days=7)
    entry.refresh_from_db()
    assert entry.status == "offered"


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_offer_each_place_to_a_different_person_once() -> None:
    reseed()
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=3)
    slots = [make_slot(site, start + dt.timedelta(minutes=15 * i), capacity=1) for i in range(6)]
    day = slots[0].day
    slots = [s for s in slots if s.day == day]
    appointments = [book(s, i) for i, s in enumerate(slots)]
    entries = [join(site, day, i) for i in range(10)]
    barrier = threading.Barrier(len(appointments))

    def cancel(appointment_id: int) -> None:
        try:
            barrier.wait()
            appointment_cancel(appointment_id=appointment_id, now=timezone.now())
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(a.pk,)) for a in appointments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    offered = list(WaitlistEntry.objects.filter(status="offered").order_by("created_at"))
    assert [e.pk for e in offered] == [e.pk for e in entries[: len(slots)]]
    assert len({e.offered_slot_id for e in offered}) == len(slots)
    assert all(s.booked == 1 for s in Slot.objects.filter(pk__in=[s.pk for s in slots]))
    assert OutboxEmail.objects.filter(kind="waitlist-offer").count() == len(slots)


def test_only_a_full_day_inside_the_booking_window_can_be_waited_for(full_day):
    site, slot, _appointment = full_day
    free = make_slot(site, timezone.now() + dt.timedelta(days=5), capacity=2)
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(dt.date(1990, 1, 1))
    path = f"/en/typing-sites/{site.slug}/waiting-list/?day="
    assert client.get(f"{path}{slot.day:%Y-%m-%d}").status_code == 200
    for day in (
        "2030-01-01",
        f"{slot.day:%G-W%V-%u}",
        f"{free.day:%Y-%m-%d}",
        "",
        "%00",
        "x" * 300,
    ):
        assert client.get(f"{path}{day}").status_code in (400, 404), day

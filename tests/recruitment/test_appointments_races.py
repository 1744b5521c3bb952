"""Invariant 1 under real concurrency on PostgreSQL: 50 volunteers, one last place.

The negative control books the same way but without the row lock; the test must see it
overbook, which proves the harness really produces the race it claims to guard against.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import Appointment, OutboxEmail, RulesVersion, Slot
from recruitment.services.appointments import SlotTaken, appointment_book
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.people import Details
from tests.factories import (
    emails_now,
    link_in,
    person_details,
    proof_for,
    race,
    reseed,
    send_outbox,
    typing_site,
)
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 50


@pytest.fixture(autouse=True)
def _seeded() -> None:
    reseed()


def _details(i: int) -> Details:
    return person_details(
        i, name=f"Volunteer {i}", email=f"v{i}@example.org", phone=f"+7912000{i:04d}", language="ru"
    )


def _proof() -> eligibility.Proof:
    return eligibility.Proof(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=dt.date(1990, 1, 1),
    )


def _race(book: Callable[[int], object], threads: int = THREADS) -> list[object]:
    return race(book, threads, SlotTaken, "taken")


def _book_the_last_place(*, lock: bool) -> tuple[Slot, list[object]]:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=1)
    proof = _proof()

    def book(i: int) -> object:
        return appointment_book(
            slot_id=slot.pk,
            details=_details(i),
            proof=proof,
            request_key=uuid.uuid4(),
            now=timezone.now(),
            lock=lock,
        ).appointment

    return slot, _race(book)


def test_fifty_volunteers_racing_for_the_last_place_make_exactly_one_booking() -> None:
    slot, outcomes = _book_the_last_place(lock=True)
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    assert len(booked) == 1
    assert outcomes.count("taken") == THREADS - 1  # every other caller was told, cleanly
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert OutboxEmail.objects.filter(kind="booking-confirmed").count() == 1


def test_negative_control_the_same_service_without_its_lock_fails_the_race() -> None:
    """The real service with its row lock switched off: callers read the same free place and
    all go on to take it. Only the database's last line of defence (the check constraint)
    stops the overbooking, and the losers get an error instead of "taken"."""
    slot, outcomes = _book_the_last_place(lock=False)
    errors = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert errors, outcomes
    assert "slot_never_overbooked" in str(errors[0])
    assert outcomes.count("taken") < THREADS - 1
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_the_same_form_racing_itself_makes_one_booking_and_one_email() -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=5)
    key = uuid.uuid4()
    proof = _proof()

    def book(i: int) -> object:
        return appointment_book(
            slot_id=slot.pk, details=_details(0), proof=proof, request_key=key, now=timezone.now()
        ).appointment

    outcomes = _race(book)
    assert {o.pk for o in outcomes if isinstance(o, Appointment)} == {Appointment.objects.get().pk}
    assert all(isinstance(o, Appointment) for o in outcomes), outcomes
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert emails_now().count() == 1


def _post_at_once(path: str, forms: list[dict[str, str]]) -> list[int]:
    """POST each form from its own browser, all released at once; the status codes."""
    barrier = threading.Barrier(len(forms))
    codes = [0] * len(forms)

    def post(i: int) -> None:
        client = Client()
        client.cookies[PROOF_COOKIE] = proof_for(dt.date(1990, 1, 1))
        try:
            barrier.wait()
            codes[i] = client.post(path, forms[i]).status_code
        finally:
            connection.close()

    workers = [threading.Thread(target=post, args=(i,)) for i in range(len(forms))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return codes


def _form(**changes: str) -> dict[str, str]:
    return {
        "name": "Anna Petrova",
        "email": "anna@example.org",
        "phone": "+7 912 345-67-89",
        "born": "1990-01-01",
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
        **changes,
    }


def test_one_form_posted_twenty_times_at_once_books_once_and_sends_one_working_link(
    smtp, settings
) -> None:
    settings.RATELIMIT_ENABLE = False
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=5)
    path = f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"
    codes = _post_at_once(path, [_form()] * 20)
    assert codes == [302] * 20
    assert Appointment.objects.count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1
    send_outbox()
    (message,) = smtp.inbox.messages
    assert Client().get(f"/en/booking/{link_in(message, 'booking')}/").status_code == 200


def test_strangers_typing_a_volunteers_email_neither_flood_them_nor_kill_their_link(
    smtp, settings
) -> None:
    settings.RATELIMIT_ENABLE = False
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2), capacity=5)
    other = make_slot(site, timezone.now() + dt.timedelta(days=3), capacity=30)
    path = f"/en/typing-sites/{site.slug}/book/{slot.pk}/"
    assert _post_at_once(path, [_form()]) == [302]
    send_outbox()
    (confirmation,) = smtp.inbox.messages
    first_link = f"/en/booking/{link_in(confirmation, 'booking')}/"
    # Twenty attempts with her phone (and someone else's email), all at once, then more.
    attempts = [_form(email=f"x{i}@example.org") for i in range(20)]
    other_path = f"/en/typing-sites/{site.slug}/book/{other.pk}/"
    assert _post_at_once(other_path, attempts) == [302] * 20
    assert _post_at_once(other_path, attempts[:5]) == [302] * 5
    send_outbox()
    assert len(smtp.inbox.to("anna@example.org")) == 2  # the confirmation and one "already"
    assert Client().get(first_link).status_code == 200  # her first link still works
    second_link = f"/en/booking/{link_in(smtp.inbox.messages[-1], 'booking')}/"
    assert Client().get(second_link).status_code == 200
    assert Appointment.objects.count() == 1


def test_fifty_reschedules_racing_for_one_place_move_exactly_one_and_keep_the_rest() -> None:
    from recruitment.services.appointments import appointment_reschedule

    site = typing_site()
    start = timezone.now() + dt.timedelta(days=2)
    target = make_slot(site, start, capacity=1)
    proof = _proof()
    appointments = []
    for i in range(THREADS):
        own = make_slot(site, start + dt.timedelta(days=1, minutes=i), capacity=1)
        booked = appointment_book(
            slot_id=own.pk,
            details=_details(i),
            proof=proof,
            request_key=uuid.uuid4(),
            now=timezone.now(),
        )
        appointments.append(booked.appointment)

    def move(i: int) -> None:
        appointment_reschedule(
            appointment_id=appointments[i].pk, new_slot_id=target.pk, now=timezone.now()
        )

    outcomes = _race(move)
    assert outcomes.count("taken") == THREADS - 1, outcomes
    assert Appointment.objects.filter(slot=target).count() == 1
    assert Slot.objects.get(pk=target.pk).booked == 1
    assert Appointment.objects.filter(status="booked").count() == THREADS
    moved_from = Slot.objects.filter(booked=0).count()
    assert moved_from == 1  # exactly one old place was released

"""Invariant 1 under real concurrency on PostgreSQL: 50 volunteers, one last place.

The negative control books the same way but without the row lock; the test must see it
overbook, which proves the harness really produces the race it claims to guard against.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import Appointment, ConsentText, RulesVersion, Slot
from recruitment.services.booking import Details, SlotTaken, appointment_book
from tests.factories import reseed, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 50


@pytest.fixture(autouse=True)
def _seeded() -> None:
    reseed()


def _details(i: int) -> Details:
    return Details(
        name=f"Volunteer {i}",
        email=f"v{i}@example.org",
        phone=f"+7912000{i:04d}",
        born_on=dt.date(1990, 1, 1),
        language="ru",
        consent=ConsentText.objects.current(),
    )


def _proof() -> eligibility.Proof:
    return eligibility.Proof(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=dt.date(1990, 1, 1),
    )


def _race(book: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            book(i)
        except SlotTaken:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_fifty_volunteers_racing_for_the_last_place_make_exactly_one_booking() -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=1)
    proof = _proof()
    consent = ConsentText.objects.current()

    def book(i: int) -> None:
        details = _details(i)
        details = Details(**{**details.__dict__, "consent": consent})
        appointment_book(
            slot_id=slot.pk,
            details=details,
            proof=proof,
            request_key=uuid.uuid4(),
            now=timezone.now(),
        )

    assert _race(book) == []
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_negative_control_without_the_lock_the_same_race_overbooks() -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=1)
    consent = ConsentText.objects.current()

    def naive_book(i: int) -> None:
        # Read, think, write: what the service would do without `select_for_update`.
        with transaction.atomic():
            taken = Appointment.objects.filter(slot=slot, status="booked").count()
            time.sleep(0.05)
            if taken < slot.capacity:
                Appointment.objects.create(
                    slot=slot,
                    name=f"V{i}",
                    email=f"v{i}@example.org",
                    email_normalized=f"v{i}@example.org",
                    phone=f"+7912000{i:04d}",
                    born_on=dt.date(1990, 1, 1),
                    language="ru",
                    consent=consent,
                    rules_version=1,
                    rules_checked_on=timezone.localdate(),
                    request_key=uuid.uuid4(),
                    manage_token_hash=uuid.uuid4().hex,
                    manage_token_expires_at=slot.ends_at,
                )

    assert _race(naive_book) == []
    assert Appointment.objects.filter(slot=slot).count() > 1


def test_the_same_form_racing_itself_makes_one_booking() -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=2), capacity=5)
    key = uuid.uuid4()
    proof = _proof()

    def book(i: int) -> None:
        appointment_book(
            slot_id=slot.pk, details=_details(0), proof=proof, request_key=key, now=timezone.now()
        )

    assert _race(book) == []
    assert Appointment.objects.count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_fifty_reschedules_racing_for_one_place_move_exactly_one_and_keep_the_rest() -> None:
    from recruitment.services.booking import appointment_reschedule

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

    assert _race(move) == []
    assert Appointment.objects.filter(slot=target).count() == 1
    assert Slot.objects.get(pk=target.pk).booked == 1
    assert Appointment.objects.filter(status="booked").count() == THREADS
    moved_from = Slot.objects.filter(booked=0).count()
    assert moved_from == 1  # exactly one old place was released

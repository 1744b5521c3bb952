"""Invariant 1 for drives under real concurrency on PostgreSQL: forty volunteers, one last
place at the drive (and one in a window).

The negative control signs up the same way with the row lock switched off; it must go wrong,
which proves the harness really produces the race the lock guards against.
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
from recruitment.models import Drive, DriveSignup, DriveWindow, OutboxEmail, RulesVersion
from recruitment.services.drives import DriveFull, signup_create
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import (
    booking_form,
    drive,
    drive_signup,
    drive_window,
    link_in,
    person_details,
    proof_for,
    race,
    reseed,
    send_outbox,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40


@pytest.fixture(autouse=True)
def _seeded() -> None:
    reseed()


def _proof() -> eligibility.Proof:
    return eligibility.Proof(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=dt.date(1990, 1, 1),
    )


def _race(sign_up: Callable[[int], object], threads: int = THREADS) -> list[object]:
    return race(sign_up, threads, DriveFull, "full")


def _last_place_race(*, lock: bool, window: bool = False) -> tuple[Drive, list[object]]:
    """Everyone wants the last place: of the drive (four of five taken) or of a window."""
    lab = drive("RACE01", capacity=5 if not window else 50)
    chosen = drive_window(lab, 10, capacity=5) if window else None
    for i in range(4):
        drive_signup(lab, 100 + i, window=chosen)
    OutboxEmail.objects.all().delete()
    proof = _proof()

    def sign_up(i: int) -> object:
        details = person_details(
            i, name=f"Volunteer {i}", email=f"v{i}@example.org", phone=f"+7912000{i:04d}"
        )
        return signup_create(
            drive_id=lab.pk,
            details=details,
            proof=proof,
            request_key=uuid.uuid4(),
            now=timezone.now(),
            window_id=chosen.pk if chosen else None,
            lock=lock,
        ).signup

    return lab, _race(sign_up)


@pytest.mark.parametrize("window", [False, True], ids=["drive", "window"])
def test_forty_volunteers_racing_for_the_last_place_make_exactly_one_sign_up(window) -> None:
    lab, outcomes = _last_place_race(lock=True, window=window)
    won = [o for o in outcomes if isinstance(o, DriveSignup)]
    assert len(won) == 1, outcomes
    assert outcomes.count("full") == THREADS - 1  # every other caller was told, cleanly
    assert DriveSignup.objects.filter(drive=lab, status="signed_up").count() == 5
    assert Drive.objects.get(pk=lab.pk).signed_up == 5
    if window:
        assert DriveWindow.objects.get(drive=lab).signed_up == 5
    assert OutboxEmail.objects.filter(kind="drive-signup-confirmed").count() == 1


def test_negative_control_the_same_service_without_its_lock_fails_the_race() -> None:
    """With the row lock switched off, callers all read the same free place and go on to take
    it. Only the database's check constraint stops the overbooking, and the losers get an
    error instead of "full"."""
    lab, outcomes = _last_place_race(lock=False)
    errors = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert errors, outcomes
    assert "drive_never_overbooked" in str(errors[0])
    assert outcomes.count("full") < THREADS - 1
    assert Drive.objects.get(pk=lab.pk).signed_up == 5


def test_a_form_posted_twenty_times_at_once_signs_up_once_with_one_working_link(
    smtp, settings
) -> None:
    settings.RATELIMIT_ENABLE = False
    drive("RACE01", capacity=5)
    form = booking_form()
    barrier = threading.Barrier(20)
    codes = [0] * 20

    def post(i: int) -> None:
        client = Client()
        client.cookies[PROOF_COOKIE] = proof_for()
        try:
            barrier.wait()
            codes[i] = client.post("/en/drives/RACE01/sign-up/", form).status_code
        finally:
            connection.close()

    workers = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert codes == [302] * 20
    assert DriveSignup.objects.count() == 1
    assert Drive.objects.get(code="RACE01").signed_up == 1
    send_outbox()
    (message,) = smtp.inbox.messages
    assert Client().get(f"/en/drive-signup/{link_in(message, 'drive-signup')}/").status_code == 200

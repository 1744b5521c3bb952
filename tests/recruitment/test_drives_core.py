"""The drive services the pages stand on: places counted once, the waiting list moving up, a
walk-in taking a place, the day's end recording samples."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from recruitment.models import Drive, DriveSignup, OutboxEmail, Sample
from recruitment.services.drive_desk import checkin, drive_finish
from recruitment.services.drives import DriveFull, signup_cancel, signup_create
from tests.factories import (
    _proof_passed,
    drive,
    drive_signup,
    emails_now,
    organiser,
    person_details,
)

pytestmark = pytest.mark.django_db


def test_a_full_drive_puts_the_next_person_on_its_waiting_list_and_moves_them_up() -> None:
    lab = drive(capacity=1)
    first = drive_signup(lab, 1)
    details = person_details(2)
    with pytest.raises(DriveFull):
        signup_create(
            drive_id=lab.pk,
            details=details,
            proof=_proof_passed(details.born_on),
            request_key=uuid.uuid4(),
            now=timezone.now(),
        )
    waiting = signup_create(
        drive_id=lab.pk,
        details=details,
        proof=_proof_passed(details.born_on),
        request_key=uuid.uuid4(),
        now=timezone.now(),
        waiting_list=True,
    )
    assert waiting.waiting and waiting.signup.status == "waiting"
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    signup_cancel(signup_id=first.pk, now=timezone.now())
    assert DriveSignup.objects.get(pk=waiting.signup.pk).status == "signed_up"
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    kinds = list(emails_now().order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "drive-signup-confirmed",
        "drive-waiting",
        "drive-signup-cancelled",
        "drive-place-freed",
    ]


def test_the_same_person_twice_is_one_sign_up_and_one_email_about_it() -> None:
    lab = drive()
    drive_signup(lab, 1)
    details = person_details(1, name="Signed Up 1", email="S1@example.org", phone="+79124440001")
    again = signup_create(
        drive_id=lab.pk,
        details=details,
        proof=_proof_passed(details.born_on),
        request_key=uuid.uuid4(),
        now=timezone.now(),
    )
    assert again.signup is None
    assert DriveSignup.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="drive-signup-exists").count() == 1


def test_a_walk_in_takes_a_place_and_the_day_ends_with_samples_recorded(time_machine) -> None:
    lab = drive(capacity=3)
    desk = organiser(lab)
    came = drive_signup(lab, 1)
    stayed_home = drive_signup(lab, 2)

    def walk_in(i: int):
        details = person_details(i)
        return signup_create(
            drive_id=lab.pk,
            details=details,
            proof=_proof_passed(details.born_on),
            request_key=uuid.uuid4(),
            now=timezone.now(),
            walk_in_by=desk,
        )

    assert walk_in(3).signup.status == "checked_in"
    assert Drive.objects.get(pk=lab.pk).signed_up == 3
    with pytest.raises(DriveFull):  # the last place went to the walk-in
        walk_in(4)
    key = uuid.uuid4()
    for _ in range(2):  # a retried tap counts once
        done = checkin(drive=lab, signup_id=came.pk, key=key, by=desk, now=timezone.now())
        assert done is not None and done.signup.status == "checked_in"
    time_machine.move_to(lab.ends_at + dt.timedelta(minutes=1))
    assert drive_finish(drive_id=lab.pk, now=timezone.now()) == 2  # `came` and the walk-in
    assert Sample.objects.filter(signup=came, drive=lab, taken_on=lab.day).exists()
    assert DriveSignup.objects.get(pk=stayed_home.pk).status == "no_show"
    assert Drive.objects.get(pk=lab.pk).status == "finished"
